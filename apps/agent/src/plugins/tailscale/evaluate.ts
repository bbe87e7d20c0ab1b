/**
 * Pure verdicts on a parsed tailscale status (data -> verdict): this node's state, and each
 * listed peer found by name, online, with a recent enough handshake.
 */
import type { CheckStatus } from "@custos/protocol";
import { type PeerInfo, stripDot, type TailscaleStatus } from "./parse.ts";

/** Finds a peer by host name, full MagicDNS name or its first label, case-insensitively. */
export function findPeer(status: TailscaleStatus, wanted: string): PeerInfo | undefined {
  const name = stripDot(wanted).toLowerCase();
  return status.peers.find(
    (peer) =>
      peer.hostName.toLowerCase() === name ||
      peer.dnsName.toLowerCase() === name ||
      peer.dnsName.toLowerCase().split(".")[0] === name,
  );
}

interface PeerVerdict {
  peer: string;
  found?: PeerInfo;
  handshakeAgeSeconds?: number;
  status: CheckStatus;
  message: string;
}

/** A listed peer is `down` when missing, offline, or (with a limit) its last handshake is too old. */
export function evaluatePeer(
  status: TailscaleStatus,
  wanted: string,
  now: number,
  maxHandshakeAgeMs?: number,
): PeerVerdict {
  const found = findPeer(status, wanted);
  if (!found) return { peer: wanted, status: "down", message: `${wanted} is not in the tailnet` };
  const age =
    found.lastHandshake === undefined
      ? undefined
      : Math.max(0, Math.round((now - found.lastHandshake) / 1000));
  const base = { peer: wanted, found, handshakeAgeSeconds: age };
  if (!found.online) {
    const seen = found.lastSeen ? `, last seen ${new Date(found.lastSeen).toISOString()}` : "";
    return { ...base, status: "down", message: `${wanted} is offline${seen}` };
  }
  if (maxHandshakeAgeMs !== undefined) {
    if (age === undefined)
      return { ...base, status: "down", message: `${wanted} is online but no handshake yet` };
    if (age * 1000 > maxHandshakeAgeMs) {
      return { ...base, status: "down", message: `${wanted} last handshake ${age}s ago` };
    }
  }
  const handshake = age === undefined ? "no handshake yet" : `handshake ${age}s ago`;
  return { ...base, status: "ok", message: `${wanted} online, ${handshake}` };
}

/** `down` unless the backend is Running; `degraded` when this node is not connected or the exit node in use is offline. */
export function evaluateNode(status: TailscaleStatus): { status: CheckStatus; message: string } {
  const online = status.peers.filter((peer) => peer.online).length;
  const peers = `${online}/${status.peers.length} peers online`;
  const exit = status.exitNode
    ? `, exit node ${status.exitNode.name ?? status.exitNode.id} ${status.exitNode.online ? "online" : "offline"}`
    : "";
  const health = status.health.length > 0 ? `; health: ${status.health.join("; ")}` : "";
  if (status.backendState !== "Running") {
    return { status: "down", message: `tailscale is ${status.backendState}${health}` };
  }
  if (!status.selfOnline)
    return {
      status: "degraded",
      message: `this node is not connected to the control plane, ${peers}${health}`,
    };
  if (status.exitNode && !status.exitNode.online)
    return { status: "degraded", message: `Running, ${peers}${exit}${health}` };
  return { status: "ok", message: `Running, ${peers}${exit}${health}` };
}
