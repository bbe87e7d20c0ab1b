/**
 * Power plugin: watts from a UPS (`source: ups`, via upsc and the ups plugin's parser) or an
 * estimate from CPU utilisation (`source: cpu`), integrated into kWh per local day and priced
 * at a tariff. The day's total lives in the plugin state, so a restart does not reset it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PowerMonitorOptions } from "@custos/protocol";
import type { Collected, PluginContext, Sample } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import { upsWatts } from "../ups/evaluate.ts";
import { readUps } from "../ups/parse.ts";
import { queryUpsc } from "../ups/upsc.ts";
import { cpuFraction, type EnergyState, estimateWatts, integrate } from "./evaluate.ts";
import { type CpuTimes, parseProcStat } from "./parse.ts";

const STATE_KEY = "energy";

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

async function readCpuTimes(procPath: string): Promise<CpuTimes> {
  const file = join(procPath, "stat");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UnsupportedError(
      `cannot read ${file} for the CPU estimate (${(error as NodeJS.ErrnoException).code}); use source: ups`,
    );
  }
  return parseProcStat(text);
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The power plugin reading the wall clock from `now` (epoch ms): which local day a sample
 * belongs to, and so when today's total starts over, follows it. Tests pass a fixed clock.
 */
export function powerPlugin(now: () => number = () => Date.now()) {
  return definePlugin({
    type: "power",
    configSchema: PowerMonitorOptions,
    defaultIntervalMs: 60_000,
    defaultName: () => "power",
    create(config, ctx: PluginContext) {
      let previousCpu: CpuTimes | undefined;

      /** Watts now, or why they are unknown. */
      async function measure(signal: AbortSignal): Promise<{ watts: number } | { error: string }> {
        if (config.source === "ups") {
          const answer = await queryUpsc(ctx, config.command, config.ups ?? "");
          if ("error" in answer) return answer;
          const watts = upsWatts(readUps(answer.vars), config.nominal_watts);
          if (watts === undefined) {
            return {
              error: `UPS ${config.ups} reports neither ups.realpower nor ups.realpower.nominal; set nominal_watts`,
            };
          }
          return { watts };
        }
        if (!previousCpu) {
          // First run: take a short window so the first sample is already a real reading.
          previousCpu = await readCpuTimes(config.proc_path);
          await sleep(Math.min(1_000, ctx.timeoutMs / 2), signal);
        }
        const current = await readCpuTimes(config.proc_path);
        const fraction = cpuFraction(previousCpu, current) ?? 0;
        previousCpu = current;
        return { watts: estimateWatts(fraction, config.idle_watts ?? 0, config.max_watts ?? 0) };
      }

      return {
        async collect(signal): Promise<Collected> {
          const measured = await measure(signal);
          if ("error" in measured)
            return { samples: [], checks: [{ status: "degraded", message: measured.error }] };

          const ts = now();
          const { state, closedDays } = integrate(
            ctx.state.get<EnergyState>(STATE_KEY),
            { ts, watts: measured.watts },
            { timeZone: config.time_zone, maxGapMs: config.max_gap },
          );
          ctx.state.set(STATE_KEY, state);

          const tariff = config.tariff_per_kwh;
          const cost = (kwh: number) => (tariff === undefined ? undefined : kwh * tariff);
          const price = (kwh: number) =>
            tariff === undefined ? "" : ` (${round(kwh * tariff, 2)} ${config.currency})`;
          const samples: Sample[] = [
            {
              name: "power.watts",
              value: round(measured.watts, 1),
              labels: { source: config.source },
              ts,
            },
            { name: "power.kwh_today", value: round(state.kwh, 4), ts },
          ];
          const costToday = cost(state.kwh);
          if (costToday !== undefined) {
            samples.push({
              name: "power.cost_today",
              value: round(costToday, 4),
              labels: { currency: config.currency },
              ts,
            });
          }
          return {
            samples,
            checks: [
              {
                status: "ok",
                message: `${Math.round(measured.watts)} W (${config.source === "ups" ? "UPS" : "CPU estimate"}), ${round(state.kwh, 3)} kWh today${price(state.kwh)}`,
              },
            ],
            events: closedDays.map((day) => ({
              kind: "power.day_total",
              message: `${day.day}: ${round(day.kwh, 3)} kWh${price(day.kwh)}`,
              data: { day: day.day, kwh: day.kwh, cost: cost(day.kwh), currency: config.currency },
            })),
          };
        },
      };
    },
  });
}

export const plugin = powerPlugin();
