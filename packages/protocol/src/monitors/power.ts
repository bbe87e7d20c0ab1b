/** Options of the `power` monitor (the agent plugin apps/agent/src/plugins/power/; its README has a sample). */

import { z } from "zod";
import { Duration } from "../duration.ts";
import { UpsTarget } from "./ups.ts";

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const PowerMonitorOptions = z
  .strictObject({
    /** `ups`: watts from the UPS (NUT upsc); `cpu`: an estimate from CPU utilisation. */
    source: z.enum(["cpu", "ups"]).default("cpu"),
    /** NUT UPS name for `source: ups`, e.g. `myups` or `myups@nas`. */
    ups: UpsTarget.optional(),
    /** Rated output in watts, when the UPS does not report `ups.realpower.nominal` (or reports it wrong). */
    nominal_watts: z.number().positive().optional(),
    /** `source: cpu`: the machine's draw when idle and at full load, in watts. */
    idle_watts: z.number().nonnegative().optional(),
    max_watts: z.number().positive().optional(),
    /** Price of one kWh; cost is reported only when set. */
    tariff_per_kwh: z.number().nonnegative().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "use an ISO 4217 code such as EUR or USD")
      .default("EUR"),
    /** IANA zone whose midnight starts a new day, e.g. Europe/Berlin; the host's zone by default. */
    time_zone: z.string().refine(validTimeZone, "unknown time zone").optional(),
    /** Samples further apart than this are not bridged (the agent was stopped). At most 1h. */
    max_gap: Duration.refine((ms) => ms <= 3_600_000, "at most 1h").default(15 * 60_000),
    /** upsc binary for `source: ups`. */
    command: z.string().min(1).default("upsc"),
    /** Where /proc is mounted (a container watching its host mounts it elsewhere). */
    proc_path: z.string().min(1).default("/proc"),
  })
  .superRefine((config, ctx) => {
    if (config.source === "ups" && !config.ups) {
      ctx.addIssue({ code: "custom", path: ["ups"], message: "required when source is ups" });
    }
    if (config.source === "cpu") {
      for (const key of ["idle_watts", "max_watts"] as const) {
        if (config[key] === undefined)
          ctx.addIssue({ code: "custom", path: [key], message: "required when source is cpu" });
      }
      if (
        config.idle_watts !== undefined &&
        config.max_watts !== undefined &&
        config.max_watts < config.idle_watts
      ) {
        ctx.addIssue({ code: "custom", path: ["max_watts"], message: "must be at least idle_watts" });
      }
    }
  });
export type PowerMonitorOptions = z.output<typeof PowerMonitorOptions>;
