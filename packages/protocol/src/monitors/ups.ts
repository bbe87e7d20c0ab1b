/** Options of the `ups` monitor (the agent plugin apps/agent/src/plugins/ups/; its README has a sample). */
import { z } from "zod";

/** `upsc` target: `name`, `name@host` or `name@host:port` (NUT's upsname syntax). */
export const UpsTarget = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+(@[A-Za-z0-9_.:[\]-]+)?$/, "use upsname, upsname@host or upsname@host:port");

export const UpsMonitorOptions = z.strictObject({
  /** The UPS as NUT knows it, e.g. `myups` or `myups@nas.local`. */
  ups: UpsTarget,
  /** On battery below this charge the check is `down`. */
  min_charge_percent: z.number().min(0).max(100).default(30),
  /** On battery with less runtime left than this (seconds) the check is `down`. */
  min_runtime_seconds: z.number().positive().optional(),
  /** Path or name of the upsc binary. */
  command: z.string().min(1).default("upsc"),
});
export type UpsMonitorOptions = z.output<typeof UpsMonitorOptions>;
