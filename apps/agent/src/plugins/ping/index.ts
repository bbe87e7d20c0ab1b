/**
 * ping: latency and loss to several targets in parallel (the system `ping`, or TCP connects), and
 * internet outages: a cycle in which no target answers starts one, the first answer ends it, and
 * its duration (monotonic clock) is reported after recovery.
 */
import { readFile } from "node:fs/promises";
import { formatDuration, PingMonitorOptions } from "@custos/protocol";
import type { Collected, PluginContext, Sample } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import { answered, evaluate, type TargetResult, targetSamples } from "./evaluate.ts";
import { type Clock, type OutageState, outageDurationMs, trackOutage } from "./outage.ts";
import { type PingResult, parsePingOutput } from "./parse.ts";
import { tcpPing } from "./tcp.ts";

const STATE_KEY = "outage";
const INSTALL_HINT = "Debian/Ubuntu: apt install iputils-ping; or use method: tcp";

function failed(error: string): PingResult {
  return { transmitted: 0, received: 0, lossPercent: 100, error };
}

async function icmpPing(target: string, config: PingMonitorOptions, ctx: PluginContext, budgetMs: number) {
  const waitSeconds = Math.max(1, Math.ceil(config.reply_timeout / 1000));
  // ping sends one request a second and waits waitSeconds for the last reply: fit the budget.
  const count = Math.max(1, Math.min(config.count, Math.floor(budgetMs / 1000 - waitSeconds) + 1));
  let output: string;
  try {
    const result = await ctx.exec("ping", ["-n", "-c", String(count), "-W", String(waitSeconds), target], {
      timeoutMs: budgetMs,
    });
    output = `${result.stdout}\n${result.stderr}`;
  } catch (error) {
    if (error instanceof UnsupportedError) {
      throw new UnsupportedError(`ping is not available: ${error.message} (${INSTALL_HINT})`);
    }
    return failed(error instanceof Error ? error.message : String(error));
  }
  const parsed = parsePingOutput(output);
  if (parsed.permissionDenied) {
    throw new UnsupportedError(
      `ping is not permitted for this user (${parsed.error}): give the binary cap_net_raw or widen net.ipv4.ping_group_range; or use method: tcp`,
    );
  }
  return parsed;
}

async function readBootId(): Promise<string | undefined> {
  try {
    return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The clocks outages are timed with; tests pass their own to set how long an outage lasted. */
export interface PingClock {
  wallMs(): number;
  /** CLOCK_MONOTONIC in ns */
  monoNs(): bigint;
}

const hostClock: PingClock = { wallMs: () => Date.now(), monoNs: () => process.hrtime.bigint() };

/** The ping plugin reading time from `clock`; the registry uses the host's clocks. */
export function pingPlugin(clock: PingClock = hostClock) {
  return definePlugin({
    type: "ping",
    configSchema: PingMonitorOptions,
    defaultIntervalMs: 30_000,
    defaultName: (config) => (config.targets.length === 1 ? `ping:${config.targets[0]}` : "internet"),
    async create(config, ctx) {
      const bootId = await readBootId();
      return {
        async collect(signal): Promise<Collected> {
          const now: Clock = {
            wallMs: clock.wallMs(),
            monoNs: clock.monoNs(),
            ...(bootId ? { bootId } : {}),
          };
          const budgetMs = Math.max(500, ctx.timeoutMs - Math.min(500, ctx.timeoutMs * 0.1));
          const results: TargetResult[] = await Promise.all(
            config.targets.map(async (target) => ({
              target,
              result:
                config.method === "tcp"
                  ? await tcpPing(target, {
                      count: config.count,
                      timeoutMs: Math.floor(Math.min(config.reply_timeout, budgetMs / config.count)),
                      defaultPort: config.port,
                      signal,
                    })
                  : await icmpPing(target, config, ctx, budgetMs),
            })),
          );

          const allFailed = !results.some(answered);
          const samples: Sample[] = results.flatMap(targetSamples);
          // Labelled with the monitor: a LAN ping monitor and an internet one must not mix.
          const monitor = { monitor: ctx.monitorName };
          samples.push({ name: "internet.up", value: allFailed ? 0 : 1, labels: monitor });
          const previous = ctx.state.get<OutageState | null>(STATE_KEY) ?? undefined;
          const step = trackOutage(previous, allFailed, now);
          if (step.state !== previous) ctx.state.set(STATE_KEY, step.state ?? null);

          const check = { ...evaluate(results, config) };
          const events: NonNullable<Collected["events"]> = [];
          if (step.started) {
            events.push({
              kind: "outage_started",
              message: `internet outage started: ${check.message}`,
              data: { started_at: step.started.started_at, targets: config.targets },
            });
          } else if (step.state) {
            const lasting = formatDuration(outageDurationMs(step.state, now));
            check.message = `outage since ${step.state.started_at} (${lasting}); ${check.message}`;
          }
          if (step.ended) {
            const duration = formatDuration(step.ended.duration_ms);
            samples.push({
              name: "internet.outage_seconds",
              value: Math.round(step.ended.duration_ms / 100) / 10,
              labels: monitor,
            });
            events.push({
              kind: "outage_ended",
              message: `internet outage: ${duration}`,
              // the targets: which outage this was, in the outage log (decision 0044)
              data: { ...step.ended, targets: config.targets },
            });
            check.message = `back after a ${duration} outage; ${check.message}`;
          }
          return { samples, checks: [check], ...(events.length > 0 ? { events } : {}) };
        },
      };
    },
  });
}

export const plugin = pingPlugin();
