/** Options of the `sensors` monitor (the agent plugin apps/agent/src/plugins/sensors/; its README has a sample). */
import { z } from "zod";

const Pattern = z
  .string()
  .regex(/^[^/]+\/[^/]+$/, "use chip/sensor, e.g. nct6798/AUXTIN* or coretemp/Core 0");

export const SensorsMonitorOptions = z
  .strictObject({
    /** Where hwmon lives; point it at a copy (or a host mount) to read elsewhere. */
    root: z.string().min(1).default("/sys/class/hwmon"),
    /** Warning level in °C for every sensor; default: each sensor's own `_max`. */
    warn_c: z.number().optional(),
    /** Critical level in °C for every sensor; default: each sensor's own `_crit`. */
    crit_c: z.number().optional(),
    /** Readings to leave out, `chip/sensor` with `*` wildcards (unconnected inputs often read nonsense). */
    ignore: z.array(Pattern).default([]),
    /** Fans that must keep spinning, `chip/fanN` with `*`; below `min_fan_rpm` is `degraded`. */
    fans: z.array(Pattern).default([]),
    min_fan_rpm: z.number().int().min(0).default(200),
  })
  .refine((c) => c.warn_c === undefined || c.crit_c === undefined || c.warn_c <= c.crit_c, {
    message: "warn_c must not be above crit_c",
    path: ["warn_c"],
  });
export type SensorsMonitorOptions = z.output<typeof SensorsMonitorOptions>;
