/** Queues an AgentAlert for the backend (POST /api/agent/alerts) in the outbox. */
import type { AgentAlert, AlertChannelKind } from "@custos/protocol";
import type { StoredAlert } from "../store/alerts.ts";
import type { Store } from "../store/store.ts";
import { UNREGISTERED } from "./state-machine.ts";

export function queueAlertReport(
  store: Store,
  alert: StoredAlert,
  channels: readonly string[],
  serverId: string | undefined,
  now: number,
  destinations: readonly string[] = [],
): void {
  const incidentKey =
    serverId && alert.incidentKey.startsWith(`${UNREGISTERED}:`)
      ? `${serverId}${alert.incidentKey.slice(UNREGISTERED.length)}`
      : alert.incidentKey;
  const report = {
    incident_key: incidentKey,
    monitor: alert.monitor,
    state: alert.state,
    started_at: new Date(alert.startedAt).toISOString(),
    sent_at: new Date(now).toISOString(),
    channels: [...new Set(channels)] as AlertChannelKind[],
    destinations: [...new Set(destinations)],
    message: `${alert.title}\n${alert.body}`.slice(0, 2000),
  } satisfies Record<keyof AgentAlert, unknown>;
  store.outbox.enqueue("alerts", [JSON.stringify(report)], now);
}
