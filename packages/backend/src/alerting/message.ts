import { formatDuration, HEARTBEAT_MONITOR, incidentKey } from "@custos/protocol";
import type { IncidentsRow } from "../db/rows.ts";
import { PAGING_EVENTS } from "../incidents/ack-token.ts";
import type { NotificationMessage } from "../notify/types.ts";

export interface OutboxContext {
  event: string;
  sequence: number;
  org_id: string;
  org_name: string;
  incident_id: string | null;
  subject_key: string | null;
  kind: IncidentsRow["kind"] | null;
  severity: IncidentsRow["severity"] | null;
  incident_title: string | null;
  cause: string | null;
  started_at: Date | null;
  opened_at: Date | null;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
  server_id: string | null;
  server_name: string | null;
  heartbeat_timeout_seconds: number | null;
  monitor_id: string | null;
  monitor_name: string | null;
}

/** The identity the agent uses for the same incident (see @custos/protocol incident-key.ts). */
export function sharedKey(row: OutboxContext): string | undefined {
  const started = row.started_at ?? row.opened_at;
  if (!row.incident_id || !started) return undefined;
  if (row.kind === "agent_check" && row.server_id && row.monitor_name)
    return incidentKey(row.server_id, row.monitor_name, started);
  if (row.kind === "heartbeat" && row.server_id)
    return incidentKey(row.server_id, HEARTBEAT_MONITOR, started);
  if (row.monitor_id && row.monitor_name)
    return incidentKey(`probe:${row.monitor_id}`, row.monitor_name, started);
  return row.subject_key ? incidentKey(row.subject_key, row.kind ?? "incident", started) : undefined;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

/**
 * The words a person reads on their phone. Built at delivery time from the incident's current state.
 * `dashboardUrl` is `dashboardLinkBase(config)`: set in custos-server always (configured or its
 * own address), so every notification links to its incident; in the cloud it needs
 * CUSTOS_PUBLIC_URL. `ackUrl` is the page's acknowledge link (`createAckLink`); it is kept only on
 * events that page, so a restored or test message never carries one.
 */
export function buildMessage(
  row: OutboxContext,
  now: Date,
  dashboardUrl?: string,
  ackUrl?: string,
): NotificationMessage {
  const subject = row.incident_title ?? "Custos test notification";
  const severity = row.severity ?? "info";
  const started = row.started_at ?? row.opened_at;
  const durationMs = started && row.resolved_at ? row.resolved_at.getTime() - started.getTime() : null;
  let title: string;
  const lines: string[] = [];
  switch (row.event) {
    case "down":
      title = `DOWN: ${subject}`;
      if (row.kind === "heartbeat" && started) {
        lines.push(`No heartbeat since ${utc(started)} (timeout ${row.heartbeat_timeout_seconds ?? 120} s).`);
      } else if (started) {
        lines.push(`Failing since ${utc(started)}.`);
      }
      break;
    case "restored":
      title = `RESTORED: ${row.server_name && row.kind === "heartbeat" ? row.server_name : subject}`;
      lines.push(
        durationMs !== null
          ? `Back after ${formatDuration(durationMs)} (down since ${started ? utc(started) : "?"}).`
          : "Back up.",
      );
      break;
    case "escalation":
      title = `ESCALATED: ${subject}`;
      lines.push(
        `Still unacknowledged after ${started ? formatDuration(now.getTime() - started.getTime()) : "a while"}.`,
      );
      break;
    case "repeat":
      title = `STILL DOWN: ${subject}`;
      lines.push(
        `Reminder ${row.sequence}: down for ${started ? formatDuration(now.getTime() - started.getTime()) : "a while"}.`,
      );
      break;
    case "acknowledged":
      // sent only to channels that mirror the incident's state (PagerDuty)
      title = `ACKNOWLEDGED: ${subject}`;
      lines.push(row.acknowledged_at ? `Acknowledged at ${utc(row.acknowledged_at)}.` : "Acknowledged.");
      break;
    case "flapping":
      title = `FLAPPING: ${subject}`;
      lines.push("Changing state repeatedly; individual down/up notices are held back until it settles.");
      break;
    default:
      title = "Custos test notification";
      lines.push("If you can read this, the channel works.");
  }
  if (row.cause) lines.push(`Cause: ${row.cause}`);
  const key = sharedKey(row);
  if (key) lines.push(`Incident: ${key}`);
  if (row.event !== "test") lines.push(`Organization: ${row.org_name}`);
  const url =
    dashboardUrl && row.incident_id
      ? `${dashboardUrl.replace(/\/$/, "")}/incidents/${row.incident_id}`
      : undefined;
  if (url) lines.push(url);
  return {
    event: row.event,
    severity,
    title,
    text: lines.join("\n"),
    org: { id: row.org_id, name: row.org_name },
    ...(key ? { incident_key: key } : {}),
    ...(url ? { url } : {}),
    ...(ackUrl && PAGING_EVENTS.has(row.event) ? { ack_url: ackUrl } : {}),
    ...(row.incident_id && row.subject_key && row.kind && row.opened_at
      ? {
          incident: {
            id: row.incident_id,
            subject_key: row.subject_key,
            kind: row.kind,
            title: subject,
            cause: row.cause,
            opened_at: row.opened_at.toISOString(),
            resolved_at: row.resolved_at?.toISOString() ?? null,
            duration_seconds: durationMs !== null ? Math.round(durationMs / 1000) : null,
            server: row.server_id ? { id: row.server_id, name: row.server_name ?? "" } : null,
            monitor: row.monitor_id ? { id: row.monitor_id, name: row.monitor_name ?? "" } : null,
          },
        }
      : {}),
  };
}
