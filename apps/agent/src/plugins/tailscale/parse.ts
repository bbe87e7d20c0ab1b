/**
 * Pure interpretation of `tailscale status --json` (tailscale's ipnstate.Status, see
 * ipn/ipnstate/ipnstate.go): backend state, self, peers and the exit node in use (text -> data;
 * evaluate.ts judges).
 */

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
/** A MagicDNS name without its trailing dot. */
export const stripDot = (name: string) => name.replace(/\.$/, "");

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
