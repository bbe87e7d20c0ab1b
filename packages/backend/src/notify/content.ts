/**
 * A NotificationMessage as the protocol's request builders take it (NotifyContent): the same
 * builders make the agent's pages, so both paths send one provider the same request.
 */
import type { NotifyContent } from "@custos/protocol";
import type { NotificationMessage } from "./types.ts";

export function notifyContent(message: NotificationMessage): NotifyContent {
  const { incident } = message;
  const subject = incident?.server?.name || incident?.monitor?.name || undefined;
  const component = incident?.monitor?.name || incident?.kind || undefined;
  return {
    event: message.event,
    severity: message.severity,
    title: message.title,
    text: message.text,
    origin: message.org.name,
    ...(subject ? { subject } : {}),
    ...(component ? { component } : {}),
    ...(message.incident_key ? { incident_key: message.incident_key } : {}),
    ...(message.url ? { url: message.url } : {}),
    ...(message.ack_url ? { ack_url: message.ack_url } : {}),
    ...(incident ? { timestamp: incident.resolved_at ?? incident.opened_at } : {}),
    // a test has no outbox row and is sent once: any id of its own will do
    notification_id: message.notification_id ?? `test:${crypto.randomUUID()}`,
  };
}
