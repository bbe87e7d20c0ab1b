/**
 * `type: app_metrics`: the agent's local metrics endpoint. Applications on the host hand their
 * own numbers (queue depth, jobs done, errors) to the agent — by HTTP (`POST /v1/metrics`) or
 * StatsD over UDP — and the agent buffers them in SQLite and pushes them like any other sample,
 * so nothing is lost while the backend is away. Off unless configured; loopback by default.
 *
 * HTTP samples are stored as they arrive (ctx.emit); StatsD values are aggregated and stored at
 * each collection (the monitor's check_interval, 30 s by default, like the push interval).
 * Thresholds on any received metric become checks, alerting like built-in ones.
 */

import { AppMetricsMonitorOptions } from "@custos/protocol";
import { seriesKey } from "../../store/history.ts";
import { ThresholdTracker } from "../shared/thresholds.ts";
import { type CheckOutcome, type Collected, definePlugin, type Sample } from "../types.ts";
import { startHttpEndpoint } from "./http-endpoint.ts";
import { type DropReason, IntakeLimits } from "./limits.ts";
import { StatsdAggregator } from "./statsd-aggregate.ts";
import { type StatsdCounters, startStatsdListener } from "./statsd-listener.ts";

const TOTALS_KEY = "totals";

/** Cumulative since the monitor was first configured (kept across agent restarts). */
interface Totals {
  http: number;
  statsd_lines: number;
  statsd_invalid_lines: number;
  dropped: Record<DropReason, number>;
}

interface Listener {
  port: number;
  close(): Promise<void>;
}

export const plugin = definePlugin({
  type: "app_metrics",
  configSchema: AppMetricsMonitorOptions,
  defaultIntervalMs: 30_000,
  defaultName: () => "app_metrics",
  async create(config, ctx) {
    const emit = ctx.emit;
    if (!emit) throw new Error("app_metrics needs a context that can record outside the schedule");
    const started = Date.now();
    const limits = new IntakeLimits(
      {
        maxNames: config.max_names,
        maxSeriesPerName: config.max_series_per_name,
        maxSamplesPerSecond: config.max_samples_per_second,
      },
      started,
    );
    const tracker = new ThresholdTracker(config.thresholds, started);
    const aggregator = new StatsdAggregator(limits);
    const statsd: StatsdCounters = { lines: 0, invalidLines: 0 };
    let httpReceived = 0;
    const reported = { http: 0, lines: 0, invalid: 0, dropped: { ...limits.dropped } };
    const onError = (message: string) => ctx.log.warn("app_metrics listener error", { error: message });

    const listeners: Listener[] = [];
    const describe: string[] = [];
    try {
      if (config.http_port !== false) {
        const http = await startHttpEndpoint({
          bind: config.bind,
          port: config.http_port,
          token: config.token,
          onError,
          intake: {
            accept(samples, now) {
              const before = { ...limits.dropped };
              httpReceived += samples.length;
              const admitted = samples.filter((s) =>
                limits.admitSeries(s.name, seriesKey(s.name, s.labels), now),
              );
              const kept = admitted.slice(0, limits.takeRate(admitted.length, now));
              if (kept.length > 0) emit({ samples: kept, checks: [] });
              for (const sample of kept) tracker.observe(sample, now);
              return { accepted: kept.length, dropped: dropsSince(before, limits.dropped) };
            },
          },
        });
        listeners.push(http);
        describe.push(`HTTP ${config.bind}:${http.port}`);
      }
      if (config.statsd_port !== false) {
        const udp = await startStatsdListener({
          bind: config.bind,
          port: config.statsd_port,
          aggregator,
          counters: statsd,
          onError,
        });
        listeners.push(udp);
        describe.push(`StatsD udp ${config.bind}:${udp.port}`);
      }
    } catch (error) {
      await Promise.all(listeners.map((l) => l.close()));
      throw new Error(`cannot listen: ${(error as Error).message}`);
    }
    ctx.log.info("app_metrics listening", { on: describe });

    /** Folds this interval's StatsD values and counters into samples and checks. */
    const flush = (now: number): Collected => {
      const samples: Sample[] = aggregator.flush(now);
      for (const sample of samples) tracker.observe(sample, now);
      limits.forgetQuiet(now);
      const intervalDrops = dropsSince(reported.dropped, limits.dropped);
      const totals = addTotals(ctx.state.get<Totals>(TOTALS_KEY), {
        http: httpReceived - reported.http,
        statsd_lines: statsd.lines - reported.lines,
        statsd_invalid_lines: statsd.invalidLines - reported.invalid,
        dropped: intervalDrops,
      });
      Object.assign(reported, {
        http: httpReceived,
        lines: statsd.lines,
        invalid: statsd.invalidLines,
        dropped: { ...limits.dropped },
      });
      ctx.state.set(TOTALS_KEY, totals);
      samples.push(...counterSamples(totals, now));
      const droppedNow = Object.values(intervalDrops).reduce((a, b) => a + b, 0);
      const own: CheckOutcome =
        droppedNow > 0
          ? {
              status: "degraded",
              message: `dropped ${droppedNow} values over the limits (${describeDrops(intervalDrops)})`,
            }
          : { status: "ok", message: `listening on ${describe.join(", ")}; ${limits.names} metric names` };
      return { samples, checks: [own, ...tracker.checks(ctx.monitorName, now)] };
    };

    return {
      async collect() {
        return flush(Date.now());
      },
      async close() {
        await Promise.all(listeners.map((l) => l.close()));
        // the last interval's StatsD values would be lost on a restart otherwise
        const last = aggregator.flush(Date.now());
        if (last.length > 0) emit({ samples: last, checks: [] });
      },
    };
  },
});

function dropsSince(
  before: Record<DropReason, number>,
  after: Record<DropReason, number>,
): Record<DropReason, number> {
  return {
    names: after.names - before.names,
    series: after.series - before.series,
    rate: after.rate - before.rate,
    invalid: after.invalid - before.invalid,
  };
}

function addTotals(base: Totals | undefined, delta: Totals): Totals {
  const zero = { names: 0, series: 0, rate: 0, invalid: 0 };
  const b = base ?? { http: 0, statsd_lines: 0, statsd_invalid_lines: 0, dropped: zero };
  return {
    http: b.http + delta.http,
    statsd_lines: b.statsd_lines + delta.statsd_lines,
    statsd_invalid_lines: b.statsd_invalid_lines + delta.statsd_invalid_lines,
    dropped: {
      names: (b.dropped.names ?? 0) + delta.dropped.names,
      series: (b.dropped.series ?? 0) + delta.dropped.series,
      rate: (b.dropped.rate ?? 0) + delta.dropped.rate,
      invalid: (b.dropped.invalid ?? 0) + delta.dropped.invalid,
    },
  };
}

function counterSamples(totals: Totals, ts: number): Sample[] {
  return [
    { name: "app_metrics_received_total", labels: { source: "http" }, value: totals.http, ts },
    { name: "app_metrics_received_total", labels: { source: "statsd" }, value: totals.statsd_lines, ts },
    { name: "app_metrics_statsd_invalid_lines_total", value: totals.statsd_invalid_lines, ts },
    ...(Object.entries(totals.dropped) as [DropReason, number][]).map(([reason, value]) => ({
      name: "app_metrics_dropped_total",
      labels: { reason },
      value,
      ts,
    })),
  ];
}

function describeDrops(drops: Record<DropReason, number>): string {
  const why: Record<DropReason, string> = {
    names: "max_names",
    series: "max_series_per_name",
    rate: "max_samples_per_second",
    invalid: "conflicting types",
  };
  return (Object.entries(drops) as [DropReason, number][])
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} by ${why[reason]}`)
    .join(", ");
}
