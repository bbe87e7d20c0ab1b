/** The local dashboard's one page: state, buffer, link, alerts, events and 24 h charts. */

import { formatDuration } from "@custos/protocol";
import { UNIT_NAME, unitOfMetric } from "@custos/protocol/units";
import type { AgentStatus } from "../status/read.ts";
import { HISTORY_KEEP_MS } from "../store/history.ts";
import type { Store } from "../store/store.ts";
import { escapeHtml as h } from "./html.ts";
import { lineChart } from "./svg.ts";

const MAX_CHARTS = 60;

/**
 * The metrics a person reads first, in this order (the dashboard's server page curates the same
 * way): CPU, memory, disk per mount, network in/out, load, temperatures, then the plugins'
 * headline counts. Every other series folds under "All metrics".
 */
const KEY_METRICS = [
  "cpu.percent",
  "memory.used_percent",
  "disk.used_percent",
  "net.rx_bytes_per_s",
  "net.tx_bytes_per_s",
  "load.1",
  "sensors.temperature_c",
  "docker.containers.running",
  "systemd.failed_units",
  "hikvision.cameras.online",
  "postgres.connections.used_percent",
  "ups.battery.charge_percent",
];

/** Pure: a series key's metric name (`disk.used_percent{mount="/"}` -> `disk.used_percent`). */
export function metricOf(series: string): string {
  const brace = series.indexOf("{");
  return brace === -1 ? series : series.slice(0, brace);
}

/** Pure: the key series first (in KEY_METRICS order, then by key), and the rest in their order. */
export function curateSeries(series: readonly string[]): { key: string[]; rest: string[] } {
  const rank = (s: string) => KEY_METRICS.indexOf(metricOf(s));
  const key = series.filter((s) => rank(s) !== -1).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { key, rest: series.filter((s) => rank(s) === -1) };
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 20px}header h1{font-size:18px;margin:0}
header p{margin:2px 0 0;color:#b8c0cf;font-size:13px}main{padding:16px 20px;max-width:1200px}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px 16px;margin-bottom:16px}
h2{font-size:15px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f4;vertical-align:top}th{font-weight:600;color:#505a6b}
.s{display:inline-block;white-space:nowrap;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.ok{background:#1f9d55}.degraded{background:#d69e2e}.down{background:#d64545}.unsupported{background:#8a94a6}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr));gap:12px}
.kv td:first-child{color:#505a6b;width:40%}td{overflow-wrap:anywhere}header p{overflow-wrap:anywhere}
.wide{overflow-x:auto}summary{cursor:pointer;font-weight:600}details .grid{margin-top:8px}
svg{display:block;width:100%;height:auto}
svg .t{font-size:12px;font-weight:600;fill:#1d2330}svg .m{font-size:10px;fill:#6b7385}
svg .g{stroke:#eef0f4;stroke-width:1}svg .l{fill:none;stroke:#2b6cb0;stroke-width:1.5}
@media (max-width:600px){main{padding:12px 10px}section{padding:10px}header{padding:10px 12px}}
.muted{color:#6b7385}`;

function ago(iso: string | null, now: number): string {
  if (!iso) return '<span class="muted">never</span>';
  return `${h(iso)} <span class="muted">(${h(formatDuration(now - Date.parse(iso)))} ago)</span>`;
}

export function renderPage(status: AgentStatus, store: Store, now: number): string {
  const since = now - HISTORY_KEEP_MS;
  const monitors = status.monitors
    .map(
      (m) =>
        `<tr><td>${h(m.monitor)}</td><td><span class="s ${h(m.status)}">${h(m.status)}</span></td>` +
        `<td>${h(formatDuration(now - Date.parse(m.since)))}</td><td>${m.latency_ms === null ? "" : `${h(String(m.latency_ms))} ms`}</td>` +
        `<td>${h(m.message ?? "")}</td><td>${m.alert_state === "down" ? "alerted" : ""}</td></tr>`,
    )
    .join("");
  const b = status.buffer;
  const alerts = status.alerts.recent
    .map(
      (a) =>
        `<tr><td>${h(a.created_at)}</td><td>${h(a.title)}</td><td>${h(
          a.deliveries
            .map((d) => `${d.channelType}: ${d.status === "covered" ? "paged by the backend" : d.status}`)
            .join(", ") || "no channels",
        )}</td></tr>`,
    )
    .join("");
  const events = status.events
    .map((e) => `<tr><td>${h(e.ts)}</td><td>${h(e.monitor)}</td><td>${h(e.message)}</td></tr>`)
    .join("");
  const { key, rest } = curateSeries(store.history.seriesSince(since));
  const chart = (series: string) => {
    const unit = unitOfMetric(metricOf(series));
    return lineChart(
      store.history.points(series, since).map((p) => ({ t: p.bucket, v: p.value })),
      { from: since, to: now, title: `${series} (${UNIT_NAME[unit]})`, unit },
    );
  };
  const charts = key.map(chart).join("");
  const more = rest.slice(0, MAX_CHARTS);
  const others = more.length
    ? `<details><summary>All metrics (${rest.length}${rest.length > more.length ? `, the first ${more.length} drawn` : ""})</summary><div class="grid">${more.map(chart).join("")}</div></details>`
    : "";
  const backend = status.backend.unreachable_since
    ? `<span class="s down">unreachable</span> since ${ago(status.backend.unreachable_since, now)}${
        status.backend.last_error ? ` — ${h(status.backend.last_error)}` : ""
      }`
    : status.backend.last_ok_at
      ? '<span class="s ok">reachable</span>'
      : '<span class="muted">not contacted yet</span>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>custos-agent — ${h(status.server.name ?? "")}</title>
<style>${STYLE}</style></head><body>
<header><h1>${h(status.server.name ?? "custos-agent")}</h1><p>custos-agent ${h(status.agent_version)} · server id ${h(
    status.server.id ??
      (status.server.refused
        ? `not registered: the backend refuses it: ${status.server.refused}`
        : "not registered"),
  )} · ${h(status.generated_at)}</p></header><main>
<section><h2>Monitors</h2><div class="wide"><table><tr><th>monitor</th><th>status</th><th>for</th><th>latency</th><th>message</th><th></th></tr>${
    monitors || '<tr><td colspan="6" class="muted">no results yet</td></tr>'
  }</table></div></section>
<section><h2>Backend and buffer</h2><table class="kv">
<tr><td>backend</td><td>${backend}</td></tr>
<tr><td>last push</td><td>${ago(status.last_push_at, now)}</td></tr>
<tr><td>last heartbeat</td><td>${ago(status.last_heartbeat_at, now)}</td></tr>
<tr><td>buffered</td><td>${b.pending_samples} samples, ${b.pending_checks} check results, ${b.pending_alert_reports} alert reports, ${b.pending_events} events (${h(
    (b.bytes / 1e6).toFixed(2),
  )} MB)</td></tr>
<tr><td>oldest buffered</td><td>${b.oldest_age_seconds === null ? "—" : h(formatDuration(b.oldest_age_seconds * 1000))}</td></tr>
<tr><td>dropped by buffer caps</td><td>${b.dropped_samples_unreported} not yet reported</td></tr>
<tr><td>refused by the backend</td><td>${
    status.rejected.batches === 0
      ? "none"
      : `${status.rejected.batches} batches (${status.rejected.items} items) set aside: ${h(
          Object.entries(status.rejected.by_kind)
            .filter(([, k]) => k.batches > 0)
            .map(
              ([kind, k]) =>
                `${kind} ${k.batches}${k.last ? ` (last: HTTP ${k.last.status} ${k.last.message})` : ""}`,
            )
            .join(", "),
        )}`
  }</td></tr>
${Object.entries(status.push)
  .filter(([, p]) => p.failing_since !== null)
  .map(
    ([kind, p]) =>
      `<tr><td>${h(kind)} push</td><td><span class="s down">failing</span> since ${ago(p.failing_since, now)} — ${h(p.last_error ?? "")}</td></tr>`,
  )
  .join("")}
</table></section>
<section><h2>Local alerts</h2><table><tr><th>at</th><th>alert</th><th>deliveries</th></tr>${
    alerts || '<tr><td colspan="3" class="muted">none</td></tr>'
  }</table></section>
<section><h2>Last 24 h</h2>${
    charts || others ? `<div class="grid">${charts}</div>${others}` : '<p class="muted">no samples yet</p>'
  }</section>
<section><h2>Events</h2><table>${events || '<tr><td class="muted">none</td></tr>'}</table></section>
</main></body></html>`;
}
