/**
 * A plugin's event as the outage log's wire event (decision 0044), checked against the protocol
 * before it enters the outbox, so one bad event never makes the backend refuse a batch. Only the
 * outage log's kinds travel (internet outage started / ended, reboot); other plugin events
 * (process restarted, DDNS address changed) stay in the local events table as before.
 */
import { randomUUID } from "node:crypto";
import { AGENT_EVENT_LIMITS, AgentEvent, type AgentEventKind } from "@custos/protocol";

type PluginEvent = { kind: string; message: string; data?: Record<string, unknown> };

const KEY_RE = /^[a-z_][a-z0-9_]*$/;

function time(value: unknown): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const ms = typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** The details the wire allows: flat texts, numbers, booleans and lists of texts, trimmed to the limits. */
function wireData(data: Record<string, unknown>, skip: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (Object.keys(out).length >= AGENT_EVENT_LIMITS.maxDataKeys) break;
    if (skip.includes(key) || !KEY_RE.test(key) || key.length > 64) continue;
    if (typeof value === "string") out[key] = value.slice(0, AGENT_EVENT_LIMITS.maxDataText);
    else if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean")
      out[key] = value;
    else if (Array.isArray(value))
      out[key] = value
        .filter((v): v is string => typeof v === "string")
        .slice(0, AGENT_EVENT_LIMITS.maxDataList)
        .map((v) => v.slice(0, AGENT_EVENT_LIMITS.maxDataText));
  }
  return out;
}

interface Times {
  occurred_at: number;
  started_at?: number;
  ended_at?: number;
  duration_ms?: number;
}

/** Where each kind keeps its times in the plugin's data (ping: outage.ts; system: rebootEvent). */
function timesOf(kind: AgentEventKind, data: Record<string, unknown>, now: number): Times | undefined {
  if (kind === "outage_started") {
    const started = time(data.started_at) ?? now;
    return { occurred_at: started, started_at: started };
  }
  if (kind === "outage_ended") {
    const ended = time(data.ended_at) ?? now;
    const started = time(data.started_at);
    const duration =
      typeof data.duration_ms === "number" ? Math.max(0, Math.round(data.duration_ms)) : undefined;
    return {
      occurred_at: ended,
      ended_at: ended,
      ...(started !== undefined ? { started_at: Math.min(started, ended) } : {}),
      ...(duration !== undefined
        ? { duration_ms: Math.min(duration, AGENT_EVENT_LIMITS.maxDurationMs) }
        : {}),
    };
  }
  // reboot: down from the previous boot's last sign of life to the boot time
  const booted = time(data.boot_time) ?? now;
  const lastSeen = time(data.last_seen_before_reboot);
  if (lastSeen === undefined) return { occurred_at: booted, ended_at: booted };
  const start = Math.min(lastSeen, booted);
  return {
    occurred_at: booted,
    started_at: start,
    ended_at: booted,
    duration_ms: Math.min(booted - start, AGENT_EVENT_LIMITS.maxDurationMs),
  };
}

const TIME_KEYS = ["started_at", "ended_at", "duration_ms", "boot_time", "last_seen_before_reboot"];

/** The wire JSON of an outage-log event, undefined for other kinds; `error` when it would be refused. */
export function eventToWire(
  event: PluginEvent,
  monitor: string,
  now: number,
): { json: string } | { error: string } | undefined {
  const kind = AgentEvent.shape.kind.safeParse(event.kind);
  if (!kind.success) return undefined;
  const data = event.data ?? {};
  const times = timesOf(kind.data, data, now);
  if (!times) return undefined;
  const details = wireData(
    data,
    kind.data === "reboot" ? ["boot_time", "last_seen_before_reboot"] : TIME_KEYS,
  );
  const wire = {
    id: randomUUID(),
    kind: kind.data,
    monitor,
    ...times,
    message: event.message.slice(0, AGENT_EVENT_LIMITS.maxMessageLength) || event.kind,
    ...(Object.keys(details).length > 0 ? { data: details } : {}),
  };
  const parsed = AgentEvent.safeParse(wire);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue?.path.join(".") || "event"}: ${issue?.message ?? "invalid"}` };
  }
  return { json: JSON.stringify(wire) };
}
