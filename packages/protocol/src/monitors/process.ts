/** Options of the `process` monitor (the agent plugin apps/agent/src/plugins/process/; its README has a sample). */

import { z } from "zod";
import { ByteSize } from "../config.ts";

/** The ways to say which processes a monitor watches; exactly one is set. */
export const PROCESS_MATCHERS = ["process_name", "cmdline", "pid_file", "systemd_unit"] as const;
export type ProcessMatcher = (typeof PROCESS_MATCHERS)[number];

/** A regular expression, checked when the config is loaded so a typo is reported on its line. */
const Pattern = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `not a valid regular expression: ${(error as Error).message}`,
      });
    }
  });

const Percent = z.number().positive();

export const ProcessMonitorOptions = z
  .strictObject({
    /**
     * The process name: /proc/PID/comm (cut to 15 characters by the kernel) or the file name of
     * argv[0]. Not `name:`, which every monitor already uses for its own name.
     */
    process_name: z.string().min(1).max(255).optional(),
    /** A regular expression tested against the whole command line, arguments joined by spaces. */
    cmdline: Pattern.optional(),
    /** A file holding the pid of the one process to watch. */
    pid_file: z.string().min(1).optional(),
    /** The processes of a systemd unit (its cgroup); `nginx` means `nginx.service`. */
    systemd_unit: z
      .string()
      .regex(/^[A-Za-z0-9:_.@\\-]+$/, "a unit name such as nginx or php8.2-fpm.service")
      .optional(),
    /** Fewer matching processes than this is `down`. */
    min: z.number().int().min(0).default(1),
    /** More matching processes than this is `down` (e.g. a second copy that should not exist). */
    max: z.number().int().min(0).optional(),
    /** CPU use summed over the matched processes, % of one core (a busy 4-thread process can show 400). */
    cpu_warn_percent: Percent.optional(),
    cpu_crit_percent: Percent.optional(),
    /** Resident memory summed over the matched processes: a number of bytes or "512MiB", "1GB". */
    memory_warn_bytes: ByteSize.optional(),
    memory_crit_bytes: ByteSize.optional(),
    /** Where procfs is mounted (e.g. /host/proc when the agent runs in a container). */
    proc_path: z.string().min(1).default("/proc"),
    /** Where the cgroup file system is mounted, for `systemd_unit`. */
    cgroup_root: z.string().min(1).default("/sys/fs/cgroup"),
  })
  .superRefine((config, ctx) => {
    const set = PROCESS_MATCHERS.filter((key) => config[key] !== undefined);
    if (set.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `say which processes to watch: set one of ${PROCESS_MATCHERS.join(", ")}`,
      });
    }
    for (const key of set.slice(1)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `set only one of ${PROCESS_MATCHERS.join(", ")} (found ${set.join(" and ")})`,
      });
    }
    if (config.max !== undefined && config.min > config.max) {
      ctx.addIssue({
        code: "custom",
        path: ["min"],
        message: `min (${config.min}) must not be above max (${config.max})`,
      });
    }
    for (const [warnKey, critKey] of [
      ["cpu_warn_percent", "cpu_crit_percent"],
      ["memory_warn_bytes", "memory_crit_bytes"],
    ] as const) {
      const warn = config[warnKey];
      const crit = config[critKey];
      if (warn !== undefined && crit !== undefined && warn > crit) {
        ctx.addIssue({
          code: "custom",
          path: [warnKey],
          message: `${warnKey} (${warn}) must not be above ${critKey} (${crit})`,
        });
      }
    }
  });
export type ProcessMonitorOptions = z.output<typeof ProcessMonitorOptions>;
