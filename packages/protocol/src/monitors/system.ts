/** Options of the `system` monitor (the agent plugin apps/agent/src/plugins/system/; its README has a sample). */
import { z } from "zod";

/** Metric groups a user can pick with `metrics: [...]`; `ram` (the seed design's word) means `memory`. */
export const SYSTEM_METRIC_GROUPS = [
  "cpu",
  "memory",
  "swap",
  "load",
  "disk",
  "diskio",
  "network",
  "uptime",
] as const;
export type SystemMetricGroup = (typeof SYSTEM_METRIC_GROUPS)[number];

const MetricGroup = z
  .enum([...SYSTEM_METRIC_GROUPS, "ram"])
  .transform((group): SystemMetricGroup => (group === "ram" ? "memory" : group));

const Percent = z.number().min(0).max(100);

export const SystemMonitorOptions = z
  .strictObject({
    /** Which groups to collect; all by default. Reboot detection runs whatever is listed. */
    metrics: z
      .array(MetricGroup)
      .min(1)
      .default([...SYSTEM_METRIC_GROUPS]),
    /** Mount points to leave out; `*` matches any characters (e.g. "/snap/*"). */
    ignore_mounts: z.array(z.string().min(1)).default([]),
    /** Filesystem types to report although they are skipped by default (e.g. tmpfs). */
    include_fs_types: z.array(z.string().min(1)).default([]),
    /** Block devices for disk I/O; by default every whole disk except loop, ram and zram devices. */
    disk_devices: z.array(z.string().min(1)).min(1).optional(),
    /** Interfaces for network I/O; by default every interface not in ignore_interfaces. */
    interfaces: z.array(z.string().min(1)).min(1).optional(),
    ignore_interfaces: z.array(z.string().min(1)).default(["lo"]),
    disk_warn_percent: Percent.default(85),
    disk_crit_percent: Percent.default(95),
    memory_warn_percent: Percent.default(90),
    memory_crit_percent: Percent.default(95),
    /** No CPU thresholds by default: a busy CPU is rarely an outage. */
    cpu_warn_percent: Percent.optional(),
    cpu_crit_percent: Percent.optional(),
    /** Where procfs and sysfs are mounted (e.g. /host/proc when the agent runs in a container). */
    proc_path: z.string().min(1).default("/proc"),
    sys_path: z.string().min(1).default("/sys"),
  })
  .superRefine((config, ctx) => {
    for (const kind of ["disk", "memory", "cpu"] as const) {
      const warn = config[`${kind}_warn_percent`];
      const crit = config[`${kind}_crit_percent`];
      if (warn !== undefined && crit !== undefined && warn > crit) {
        ctx.addIssue({
          code: "custom",
          path: [`${kind}_warn_percent`],
          message: `${kind}_warn_percent (${warn}) must not be above ${kind}_crit_percent (${crit})`,
        });
      }
    }
  });
export type SystemMonitorOptions = z.output<typeof SystemMonitorOptions>;
