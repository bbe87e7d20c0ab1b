/** Options of the `systemd` monitor (the agent plugin apps/agent/src/plugins/systemd/; its README has a sample). */

import { z } from "zod";
import { Duration } from "../duration.ts";

export const SystemdMonitorOptions = z
  .strictObject({
    /** Units to watch; `nginx` means `nginx.service`. */
    units: z
      .array(z.string().regex(/^[A-Za-z0-9:_.@\\-]+$/, "a unit name such as nginx or backup.timer"))
      .default([]),
    /** Also report every failed unit on the host (`systemctl list-units --state=failed`). */
    all_failed: z.boolean().default(false),
    /** Treat a stopped (inactive) unit as fine, e.g. for oneshot jobs. */
    allow_inactive: z.boolean().default(false),
    /** More automatic restarts than this within `restart_window` is `down`. */
    max_restarts: z.number().int().min(0).default(3),
    restart_window: Duration.default(10 * 60_000),
    /** Path or name of systemctl. */
    command: z.string().min(1).default("systemctl"),
  })
  .refine((config) => config.units.length > 0 || config.all_failed, {
    message: "list units or set all_failed: true",
    path: ["units"],
  });
export type SystemdMonitorOptions = z.output<typeof SystemdMonitorOptions>;
