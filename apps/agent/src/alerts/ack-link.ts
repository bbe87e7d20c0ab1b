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
  backendUrl: string;
  serverId: () => string | undefined;
  now?: () => number;
}): AckLinkMaker {
  return async (alert, channel) => {
    if (alert.state !== "down" && alert.state !== "flapping") return undefined;
    if (alert.monitor === BACKEND_MONITOR) return undefined;
    const serverId = options.serverId();
    if (!serverId) return undefined;
    const learned = options.store.kv.get(KV.ackLinkBase);
    if (!learned && isLoopbackUrl(options.backendUrl)) return undefined;
    const now = (options.now ?? Date.now)();
    const token = await signAgentAck(options.apiKey, {
      serverId,
      monitor: alert.monitor,
      startedAt: alert.startedAt,
      expiresAt: now + ACK_LINK_TTL_MS,
      channel,
    });
    return learned ? `${learned}${token}` : ackLinkUrl(options.backendUrl, token);
  };
}
