/**
 * A local alert as the protocol's request builders take it (NotifyContent, decision 0033): the
 * backend's notifiers use the same builders, so a provider gets the same request from both paths
 * (PagerDuty's dedup_key is the incident key on both, so their pages land on one alert).
 */
import type { NotifyContent } from "@custos/protocol";
import type { AlertMessage } from "./types.ts";

export function alertContent(message: AlertMessage): NotifyContent {
  const { alert } = message;
  const endedAt =
    alert.state === "restored" && alert.durationMs !== null ? alert.startedAt + alert.durationMs : null;
  return {
    // the backend being out of reach is an outage like a monitor's
    event: alert.state === "backend_unreachable" ? "down" : alert.state,
    severity: alert.state === "restored" ? "info" : alert.state === "down" ? "critical" : "warning",
    title: alert.title,
    text: alert.body,
    origin: message.serverName,
    subject: message.serverName,
    component: alert.monitor,
    incident_key: alert.incidentKey,
    ...(message.ackUrl ? { ack_url: message.ackUrl } : {}),
    timestamp: new Date(endedAt ?? alert.startedAt).toISOString(),
    // the same on every retry of this alert, another for any other alert
    notification_id: `agent:${alert.incidentKey}:${alert.state}:${alert.createdAt}`,
  };
}
