/** Options of the `smart` monitor (the agent plugin apps/agent/src/plugins/smart/; its README has a sample). */
import { z } from "zod";

const DevicePath = z.string().regex(/^\/[A-Za-z0-9_./:-]+$/, "an absolute device path such as /dev/sda");

export const SmartMonitorOptions = z.strictObject({
  /**
   * Disks to check: `/dev/sda`, or `{ path: /dev/sdb, type: sat }` to pass smartctl's `-d` type
   * (USB bridges, RAID controllers). Empty: every disk `smartctl --scan` finds.
   */
  devices: z
    .array(
      z.union([
        DevicePath,
        z.strictObject({
          path: DevicePath,
          type: z
            .string()
            .regex(/^[a-z0-9,+_-]+$/, "a smartctl -d type such as sat or nvme")
            .optional(),
        }),
      ]),
    )
    .default([]),
  /** Above these counts the disk is `degraded` (any rise since the last check is too). */
  max_reallocated_sectors: z.number().int().min(0).default(10),
  max_pending_sectors: z.number().int().min(0).default(0),
  max_offline_uncorrectable: z.number().int().min(0).default(0),
  max_media_errors: z.number().int().min(0).default(0),
  /** NVMe "percentage used" of rated endurance above which the disk is `degraded`. */
  max_percentage_used: z.number().min(0).max(255).default(90),
  /** Optional temperature limit in °C. */
  max_temperature_c: z.number().optional(),
  /** Path or name of smartctl (smartmontools 7.0 or later for --json). */
  command: z.string().min(1).default("smartctl"),
});
export type SmartMonitorOptions = z.output<typeof SmartMonitorOptions>;
