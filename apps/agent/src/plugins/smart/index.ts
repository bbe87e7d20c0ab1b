/**
 * S.M.A.R.T. plugin: `smartctl --json -a` per disk (listed, or found with `smartctl --scan
 * --json`), health, bad-sector counters, temperature, power-on hours and NVMe wear. The last
 * counters are kept in the plugin state so a rise between checks shows.
 */
import { basename } from "node:path";
import { SmartMonitorOptions } from "@custos/protocol";
import type { CheckOutcome, Collected, ExecResult, PluginContext, Sample } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import { evaluateDisk, type SectorCounts, sectorCounts } from "./evaluate.ts";
import { exitBits, parseScan, parseSmartctl, type ScannedDevice, type SmartReading } from "./parse.ts";

const COUNTS_KEY = "sectors";
const PERMISSION = /Permission denied|Operation not permitted/i;
const NEEDS_ROOT =
  "smartctl needs root or CAP_SYS_RAWIO (and read access to the device); see the smart plugin README for a sudoers rule";

/** `sda`, `nvme0`; a `-d` type with characters not allowed in monitor names is folded in. */
function deviceLabel(device: ScannedDevice): string {
  const base = basename(device.path);
  const suffix =
    device.type && /^(megaraid|cciss|areca|3ware|aacraid|hpt)/.test(device.type) ? `-${device.type}` : "";
  return `${base}${suffix}`.replace(/[^A-Za-z0-9_.:\-/]/g, "_");
}

function diskSamples(reading: SmartReading, labels: Record<string, string>): Sample[] {
  const values: [string, number | undefined][] = [
    ["smart.health_passed", reading.passed === undefined ? undefined : reading.passed ? 1 : 0],
    ["smart.temperature_c", reading.temperatureC],
    ["smart.power_on_hours", reading.powerOnHours],
    ["smart.reallocated_sectors", reading.reallocatedSectors],
    ["smart.pending_sectors", reading.pendingSectors],
    ["smart.offline_uncorrectable", reading.offlineUncorrectable],
    ["smart.nvme.percentage_used", reading.nvme?.percentageUsed],
    ["smart.nvme.media_errors", reading.nvme?.mediaErrors],
    ["smart.nvme.available_spare_percent", reading.nvme?.availableSparePercent],
  ];
  return values.flatMap(([name, value]) => (value === undefined ? [] : [{ name, value, labels }]));
}

export const plugin = definePlugin({
  type: "smart",
  configSchema: SmartMonitorOptions,
  defaultIntervalMs: 30 * 60_000,
  defaultName: () => "smart",
  create(config, ctx: PluginContext) {
    async function smartctl(args: string[]): Promise<ExecResult | { error: string }> {
      try {
        return await ctx.exec(config.command, args, { timeoutMs: ctx.timeoutMs });
      } catch (error) {
        if (error instanceof UnsupportedError) {
          throw new UnsupportedError(
            `${error.message}; install smartmontools 7 or later (apt install smartmontools)`,
          );
        }
        return { error: `smartctl ${args.at(-1)}: ${(error as Error).message}` };
      }
    }

    async function devices(): Promise<ScannedDevice[]> {
      if (config.devices.length > 0) {
        return config.devices.map((device) => (typeof device === "string" ? { path: device } : device));
      }
      const scan = await smartctl(["--scan", "--json"]);
      if ("error" in scan) throw new Error(scan.error);
      const found = parseScan(scan.stdout);
      if (found.length === 0)
        throw new UnsupportedError("smartctl --scan found no disks (a virtual machine or container?)");
      return found;
    }

    async function checkDisk(
      device: ScannedDevice,
      previous: SectorCounts | undefined,
    ): Promise<{ samples: Sample[]; check: CheckOutcome; counts?: SectorCounts }> {
      const label = deviceLabel(device);
      const monitor = `${ctx.monitorName}:${label}`;
      const started = Date.now();
      const result = await smartctl([
        "--json",
        "-a",
        ...(device.type ? ["-d", device.type] : []),
        device.path,
      ]);
      const latency_ms = Date.now() - started;
      if ("error" in result)
        return { samples: [], check: { monitor, status: "down", message: result.error, latency_ms } };

      let reading: SmartReading;
      try {
        reading = parseSmartctl(result.stdout);
      } catch {
        const why = result.stderr.trim() || `no JSON output (exit ${result.code})`;
        return {
          samples: [],
          check: { monitor, status: "down", message: `smartctl ${device.path}: ${why}`, latency_ms },
        };
      }
      // The exit status is a bit mask: only bits 0-1 mean smartctl itself failed.
      const bits = exitBits(result.code ?? reading.exitStatus);
      if (bits.badCommandLine || bits.openFailed) {
        const why = reading.errors.join("; ") || `exit ${result.code}`;
        if (PERMISSION.test(why)) throw new UnsupportedError(`${NEEDS_ROOT}: ${why}`);
        return {
          samples: [],
          check: { monitor, status: "down", message: `smartctl ${device.path}: ${why}`, latency_ms },
        };
      }
      reading.device ||= device.path;
      const verdict = evaluateDisk(reading, previous, config);
      return {
        samples: diskSamples(reading, { device: label }),
        check: { monitor, status: verdict.status, message: verdict.message, latency_ms },
        counts: sectorCounts(reading),
      };
    }

    return {
      async collect(): Promise<Collected> {
        const list = await devices();
        const saved = { ...ctx.state.get<Record<string, SectorCounts>>(COUNTS_KEY) };
        const results = await Promise.all(list.map((device) => checkDisk(device, saved[device.path])));
        results.forEach((result, index) => {
          const path = list[index]?.path;
          if (path && result.counts) saved[path] = result.counts;
        });
        ctx.state.set(COUNTS_KEY, saved);
        return { samples: results.flatMap((r) => r.samples), checks: results.map((r) => r.check) };
      },
    };
  },
});
