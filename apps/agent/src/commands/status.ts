/** `custos-agent status [--json]`: buffer, link and monitors, read from the state database. */
import { existsSync } from "node:fs";
import { formatDuration } from "@custos/protocol";
import { StateError } from "../errors.ts";
import { type AgentStatus, readStatus } from "../status/read.ts";
import { openStore } from "../store/store.ts";
import { configPath, loadSettings, type Output } from "./shared.ts";

export function statusCommand(options: { config?: string; json?: boolean }, output: Output): number {
  const settings = loadSettings(configPath(options.config));
  if (!existsSync(settings.buffer.path)) {
    throw new StateError(`no state database at ${settings.buffer.path} (has the agent run yet?)`);
  }
  const store = openStore(settings.buffer.path, { readonly: true });
  try {
    const status = readStatus(store, { serverName: settings.serverName });
    output.out(options.json ? JSON.stringify(status, null, 2) : formatStatus(status, Date.now()));
    return 0;
  } finally {
    store.close();
  }
}

function when(iso: string | null, now: number): string {
  return iso ? `${iso} (${formatDuration(now - Date.parse(iso))} ago)` : "never";
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** One line per kind whose pushes fail; the others are fine and share one line. */
function pushLines(status: AgentStatus, now: number): string[] {
  const failing = Object.entries(status.push).filter(([, p]) => p.failing_since !== null);
  if (failing.length === 0) return ["push            every kind ok"];
  return failing.map(([kind, p]) => {
    const next = p.retry_at
      ? `; next try in ${formatDuration(Math.max(0, Date.parse(p.retry_at) - now))}`
      : "";
    return `push ${kind.padEnd(11)}failing since ${when(p.failing_since, now)}, ${p.attempts} attempts${next}: ${p.last_error ?? "?"}`;
  });
}

/** Batches refused for good: the total, then each kind with its last refusal. */
function rejectedLines(status: AgentStatus, now: number): string[] {
  const r = status.rejected;
  if (r.batches === 0) return ["rejected        none"];
  const lines = [
    `rejected        ${count(r.batches, "batch", "batches")} (${count(r.items, "item", "items")}) refused by the backend and set aside; ${r.kept} kept in the state database (table rejected)`,
  ];
  for (const [kind, k] of Object.entries(r.by_kind)) {
    if (k.batches === 0) continue;
    const last = k.last
      ? `; last ${when(k.last.rejected_at, now)}: HTTP ${k.last.status}${k.last.code ? ` ${k.last.code}` : ""}: ${k.last.message}${k.last.field ? ` at ${k.last.field}` : ""}`
      : "";
    lines.push(
      `  ${kind.padEnd(14)}${count(k.batches, "batch", "batches")} (${count(k.items, "item", "items")})${last}`,
    );
  }
  return lines;
}

function formatStatus(status: AgentStatus, now: number): string {
  const b = status.buffer;
  const lines = [
    `server          ${status.server.name ?? "?"} (${status.server.id ? `id ${status.server.id}, ${status.server.approval ?? "?"}` : status.server.refused ? `not registered: the backend refuses it: ${status.server.refused}` : "not registered"})`,
    `buffer          ${b.pending_samples} samples, ${b.pending_checks} check results, ${b.pending_alert_reports} alert reports, ${b.pending_events} events (${(b.bytes / 1e6).toFixed(2)} MB)`,
    `oldest          ${b.oldest_age_seconds === null ? "-" : `${formatDuration(b.oldest_age_seconds * 1000)} ago`}`,
    `last push       ${when(status.last_push_at, now)}`,
    `last heartbeat  ${when(status.last_heartbeat_at, now)}`,
    `backend         ${
      status.backend.unreachable_since
        ? `unreachable since ${status.backend.unreachable_since}${status.backend.last_error ? ` (${status.backend.last_error})` : ""}`
        : status.backend.last_ok_at
          ? "reachable"
          : "not contacted yet"
    }`,
    ...pushLines(status, now),
    `dropped         ${b.dropped_samples_unreported} by the buffer caps, not yet reported`,
    ...rejectedLines(status, now),
    `alerts          ${status.alerts.pending_deliveries} deliveries pending`,
    "",
  ];
  if (status.monitors.length === 0) {
    lines.push("no monitor results yet");
  } else {
    const width = Math.max(7, ...status.monitors.map((m) => m.monitor.length));
    lines.push(`${"MONITOR".padEnd(width)}  STATUS       FOR       MESSAGE`);
    for (const m of status.monitors) {
      const alerted = m.alert_state === "down" ? " [alerted]" : "";
      lines.push(
        `${m.monitor.padEnd(width)}  ${m.status.padEnd(11)}  ${formatDuration(now - Date.parse(m.since)).padEnd(8)}  ${m.message ?? ""}${alerted}`,
      );
    }
  }
  return lines.join("\n");
}
