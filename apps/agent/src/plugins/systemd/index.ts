/**
 * systemd plugin: one `systemctl show` call for all listed units (state, sub-state, restarts,
 * time in state) and optionally `systemctl list-units --state=failed`. Restart counts are kept
 * in the plugin state to spot a unit that keeps crashing.
 */
import { formatDuration, SystemdMonitorOptions } from "@custos/protocol";
import type { CheckOutcome, Collected, ExecResult, PluginContext, Sample } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import { evaluateUnit, type RestartHistory, recordRestarts, secondsInState } from "./evaluate.ts";
import {
  type FailedUnit,
  NO_SYSTEMD,
  parseFailedJson,
  parseFailedPlain,
  parseShow,
  SHOW_PROPERTIES,
  toUnitStatus,
  unitName,
} from "./parse.ts";

const HISTORY_KEY = "restarts";

/**
 * The clocks the runner reads. Time in state compares systemd's `*TimestampMonotonic` with this
 * host's CLOCK_MONOTONIC, so a test replaying a recording passes the monotonic time of that
 * recording instead of the test machine's (which may have booted a minute ago).
 */
export interface SystemdClock {
  /** Epoch ms: when an NRestarts observation is kept in the restart history. */
  wallMs(): number;
  /** CLOCK_MONOTONIC in µs: the clock of systemd's *TimestampMonotonic properties. */
  monotonicUs(): number;
}

/** The host's clocks (process.hrtime is CLOCK_MONOTONIC on Linux). */
export const hostClock: SystemdClock = {
  wallMs: () => Date.now(),
  monotonicUs: () => Number(process.hrtime.bigint() / 1000n),
};

function formatWindow(ms: number): string {
  return ms % 3_600_000 === 0
    ? `${ms / 3_600_000}h`
    : ms % 60_000 === 0
      ? `${ms / 60_000}m`
      : `${ms / 1000}s`;
}

/** The systemd plugin reading time from `clock`; the registry uses the host's clocks. */
export function systemdPlugin(clock: SystemdClock = hostClock) {
  return definePlugin({
    type: "systemd",
    // the product brief writes `services:`
    aliases: { services: "units" },
    configSchema: SystemdMonitorOptions,
    defaultIntervalMs: 30_000,
    defaultName: () => "systemd",
    create(config, ctx: PluginContext) {
      async function systemctl(args: string[]): Promise<ExecResult | { error: string }> {
        let result: ExecResult;
        try {
          result = await ctx.exec(config.command, args, { timeoutMs: ctx.timeoutMs });
        } catch (error) {
          if (error instanceof UnsupportedError)
            throw new UnsupportedError(`${error.message}; this host does not run systemd`);
          return { error: `${config.command} ${args[0]}: ${(error as Error).message}` };
        }
        if (result.code !== 0 && NO_SYSTEMD.test(result.stderr)) {
          throw new UnsupportedError(`systemd is not running here: ${result.stderr.trim().split("\n")[0]}`);
        }
        return result;
      }

      async function checkUnits(): Promise<Collected> {
        const names = config.units.map(unitName);
        const started = Date.now();
        const result = await systemctl([
          "show",
          `--property=${SHOW_PROPERTIES.join(",")}`,
          "--no-pager",
          "--",
          ...names,
        ]);
        const latency_ms = Date.now() - started;
        const monitorOf = (name: string) => `${ctx.monitorName}:${name.replace(/\.service$/, "")}`;
        if ("error" in result || result.code !== 0) {
          const message =
            "error" in result
              ? result.error
              : `systemctl show failed: ${result.stderr.trim() || `exit ${result.code}`}`;
          return {
            samples: [],
            checks: names.map((name) => ({ monitor: monitorOf(name), status: "down", message, latency_ms })),
          };
        }

        const blocks = parseShow(result.stdout);
        const now = clock.wallMs();
        const nowUs = clock.monotonicUs();
        const histories = { ...ctx.state.get<Record<string, RestartHistory>>(HISTORY_KEY) };
        const samples: Sample[] = [];
        const checks: CheckOutcome[] = [];
        names.forEach((name, index) => {
          // systemctl show answers in argument order; Id may differ from the name for aliases.
          const props = blocks[index];
          const monitor = monitorOf(name);
          if (!props) {
            checks.push({
              monitor,
              status: "down",
              message: `systemctl show returned nothing for ${name}`,
              latency_ms,
            });
            return;
          }
          const unit = toUnitStatus(props);
          const { history, inWindow } = recordRestarts(
            histories[name],
            now,
            unit.restarts,
            config.restart_window,
          );
          histories[name] = history;
          const verdict = evaluateUnit(unit, inWindow, {
            ...config,
            windowText: formatWindow(config.restart_window),
          });
          const seconds = secondsInState(unit, nowUs);
          const labels = { unit: name };
          samples.push(
            { name: "systemd.unit.active", value: unit.activeState === "active" ? 1 : 0, labels },
            { name: "systemd.unit.failed", value: unit.activeState === "failed" ? 1 : 0, labels },
            { name: "systemd.unit.restarts", value: unit.restarts, labels },
            { name: "systemd.unit.restarts_in_window", value: inWindow, labels },
          );
          if (seconds !== undefined)
            samples.push({ name: "systemd.unit.state_seconds", value: seconds, labels });
          const since = seconds === undefined ? "" : ` for ${formatDuration(seconds * 1000)}`;
          checks.push({ monitor, status: verdict.status, message: `${verdict.message}${since}`, latency_ms });
        });
        ctx.state.set(HISTORY_KEY, histories);
        return { samples, checks };
      }

      async function checkFailed(): Promise<Collected> {
        const monitor = `${ctx.monitorName}:failed-units`;
        const json = await systemctl(["list-units", "--state=failed", "--output=json", "--no-pager"]);
        let failed: FailedUnit[] | undefined;
        if (!("error" in json) && json.code === 0) {
          try {
            failed = parseFailedJson(json.stdout);
          } catch {
            failed = parseFailedPlain(json.stdout); // systemd before 246 ignores --output=json here
          }
        } else {
          const plain = await systemctl([
            "list-units",
            "--state=failed",
            "--plain",
            "--no-legend",
            "--no-pager",
          ]);
          if ("error" in plain)
            return { samples: [], checks: [{ monitor, status: "down", message: plain.error }] };
          if (plain.code !== 0) {
            return {
              samples: [],
              checks: [
                { monitor, status: "down", message: `systemctl list-units failed: ${plain.stderr.trim()}` },
              ],
            };
          }
          failed = parseFailedPlain(plain.stdout);
        }
        const list = failed.map((unit) => unit.unit).join(", ");
        return {
          samples: [{ name: "systemd.failed_units", value: failed.length }],
          checks: [
            failed.length === 0
              ? { monitor, status: "ok", message: "no failed units" }
              : { monitor, status: "down", message: `${failed.length} failed: ${list}` },
          ],
        };
      }

      return {
        async collect(): Promise<Collected> {
          const parts = await Promise.all([
            config.units.length > 0 ? checkUnits() : undefined,
            config.all_failed ? checkFailed() : undefined,
          ]);
          return {
            samples: parts.flatMap((part) => part?.samples ?? []),
            checks: parts.flatMap((part) => part?.checks ?? []),
          };
        },
      };
    },
  });
}

export const plugin = systemdPlugin();
