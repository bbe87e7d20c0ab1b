/**
 * Pure interpretation of `tailscale status --json` (tailscale's ipnstate.Status, see
 * ipn/ipnstate/ipnstate.go): backend state, self, peers and the exit node in use.
 */
import type { CheckStatus } from "@custos/protocol";

/** Go's zero time, which tailscale prints for "never". */
const ZERO_TIME = "0001-01-01T00:00:00Z";

export interface PeerInfo {
  id: string;
  hostName: string;
  /** MagicDNS name without the trailing dot, e.g. `nas.tail1234.ts.net`. */
  dnsName: string;
  os: string;
  online: boolean;
  exitNode: boolean;
  exitNodeOption: boolean;
  /** Last WireGuard handshake (epoch ms), undefined if none since the peer was added. */
  lastHandshake?: number;
  lastSeen?: number;
}

export interface TailscaleStatus {
  version: string;
  backendState: string;
  selfOnline: boolean;
  selfName: string;
  health: string[];
  peers: PeerInfo[];
  /** The exit node traffic goes through, if any. */
  exitNode?: { id: string; online: boolean; name?: string };
}

function time(value: unknown): number | undefined {
  if (typeof value !== "string" || value === "" || value.startsWith(ZERO_TIME.slice(0, 10))) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const str = (value: unknown) => (typeof value === "string" ? value : "");
const stripDot = (name: string) => name.replace(/\.$/, "");

function toPeer(raw: Record<string, unknown>): PeerInfo {
  return {
    id: str(raw.ID),
    hostName: str(raw.HostName),
    dnsName: stripDot(str(raw.DNSName)),
    os: str(raw.OS),
    online: raw.Online === true,
    exitNode: raw.ExitNode === true,
    exitNodeOption: raw.ExitNodeOption === true,
    lastHandshake: time(raw.LastHandshake),
    lastSeen: time(raw.LastSeen),
  };
}

export function parseStatus(text: string): TailscaleStatus {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (typeof raw !== "object" || raw === null || typeof raw.BackendState !== "string") {
    throw new Error("not a tailscale status: BackendState missing");
  }
  const self = (raw.Self ?? {}) as Record<string, unknown>;
  const peers = Object.values((raw.Peer ?? {}) as Record<string, Record<string, unknown>>).map(toPeer);
  const exit = raw.ExitNodeStatus as Record<string, unknown> | null | undefined;
  const selectedPeer = peers.find((peer) => peer.exitNode);
  let exitNode: TailscaleStatus["exitNode"];
  if (exit && typeof exit === "object") {
    const id = str(exit.ID);
    const peer = peers.find((p) => p.id === id) ?? selectedPeer;
    exitNode = { id, online: exit.Online === true, name: peer?.dnsName || peer?.hostName };
  } else if (selectedPeer) {
    exitNode = {
      id: selectedPeer.id,
      online: selectedPeer.online,
      name: selectedPeer.dnsName || selectedPeer.hostName,
    };
  }
  return {
    version: str(raw.Version),
    backendState: raw.BackendState,
    selfOnline: self.Online === true,
    selfName: stripDot(str(self.DNSName)) || str(self.HostName),
    health: Array.isArray(raw.Health) ? raw.Health.map(String) : [],
    peers,
    exitNode,
  };
}

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

export interface PeerVerdict {
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
