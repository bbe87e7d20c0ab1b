/**
 * The acknowledge link in the agent's own pages (@custos/protocol ack-link.ts, decision 0027):
 * a token the agent signs with its API key, under the base the backend told it in a heartbeat
 * answer (its public address, which a phone can reach). Before the first answer the agent's own
 * backend URL serves, unless it is a loopback address that means nothing on another device.
 * Only pages of the agent's checks get one: a RESTORED needs no acknowledgement and a "backend
 * unreachable" page has no incident at the backend to acknowledge.
 */
import { ACK_LINK_TTL_MS, type AgentAckChannel, ackLinkUrl, signAgentAck } from "@custos/protocol";
import { isLoopbackUrl } from "@custos/protocol/install";
import type { StoredAlert } from "../store/alerts.ts";
import { KV } from "../store/kv.ts";
import type { Store } from "../store/store.ts";
import { BACKEND_MONITOR } from "./format.ts";

export type AckLinkMaker = (alert: StoredAlert, channel: AgentAckChannel) => Promise<string | undefined>;

export function agentAckLinks(options: {
  store: Store;
  apiKey: string;
  /** The agent's own backend URL; absent for an agent that runs on its own. */
  backendUrl: string | undefined;
  serverId: () => string | undefined;
  now?: () => number;
}): AckLinkMaker {
  const { backendUrl } = options;
  const ownBase = backendUrl && !isLoopbackUrl(backendUrl) ? ackLinkUrl(backendUrl, "") : undefined;
  return async (alert, channel) => {
    if (alert.state !== "down" && alert.state !== "flapping") return undefined;
    if (alert.monitor === BACKEND_MONITOR) return undefined;
    const serverId = options.serverId();
    const base = options.store.kv.get(KV.ackLinkBase) ?? ownBase;
    if (!serverId || !base) return undefined;
    const now = (options.now ?? Date.now)();
    const token = await signAgentAck(options.apiKey, {
      serverId,
      monitor: alert.monitor,
      startedAt: alert.startedAt,
      expiresAt: now + ACK_LINK_TTL_MS,
      channel,
    });
    return `${base}${token}`;
  };
}
