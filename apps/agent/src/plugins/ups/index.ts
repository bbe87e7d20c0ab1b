/**
 * NUT UPS plugin: runs `upsc <ups>` and reports status flags, charge, runtime, load and
 * voltages. parse.ts reads the output, evaluate.ts judges it.
 */

import { UpsMonitorOptions } from "@custos/protocol";
import type { Collected, Sample } from "../types.ts";
import { definePlugin } from "../types.ts";
import { evaluateUps } from "./evaluate.ts";
import { readUps, type UpsReading } from "./parse.ts";
import { queryUpsc } from "./upsc.ts";

function upsSamples(reading: UpsReading, labels: Record<string, string>): Sample[] {
  const samples: Sample[] = [
    { name: "ups.online", value: reading.online ? 1 : 0, labels },
    { name: "ups.on_battery", value: reading.onBattery ? 1 : 0, labels },
    { name: "ups.low_battery", value: reading.lowBattery ? 1 : 0, labels },
  ];
  const optional: [string, number | undefined][] = [
    ["ups.battery.charge_percent", reading.chargePercent],
    ["ups.runtime_seconds", reading.runtimeSeconds],
    ["ups.load_percent", reading.loadPercent],
    ["ups.input.voltage", reading.inputVoltage],
    ["ups.output.voltage", reading.outputVoltage],
    ["ups.battery.voltage", reading.batteryVoltage],
    ["ups.realpower_watts", reading.realpowerWatts],
    ["ups.nominal_watts", reading.nominalWatts],
    ["ups.nominal_va", reading.nominalVa],
  ];
  for (const [name, value] of optional) if (value !== undefined) samples.push({ name, value, labels });
  return samples;
}

export const plugin = definePlugin({
  type: "ups",
  configSchema: UpsMonitorOptions,
  defaultIntervalMs: 30_000,
  defaultName: (config) => `ups:${config.ups.split("@")[0]}`,
  create(config, ctx) {
    const labels = { ups: config.ups };
    return {
      async collect(): Promise<Collected> {
        const started = Date.now();
        const answer = await queryUpsc(ctx, config.command, config.ups);
        const latency_ms = Date.now() - started;
        if ("error" in answer)
          return { samples: [], checks: [{ status: "down", message: answer.error, latency_ms }] };
        const reading = readUps(answer.vars);
        const verdict = evaluateUps(reading, config);
        const model = reading.model ? `${reading.model}: ` : "";
        return {
          samples: upsSamples(reading, labels),
          checks: [{ status: verdict.status, message: `${model}${verdict.message}`, latency_ms }],
        };
      },
    };
  },
});
