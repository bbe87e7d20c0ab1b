/**
 * Acknowledge links, both kinds (decision 0027).
 *
 * The backend's pages carry a random token it stored (incidents/ack-token.ts). The pages an agent
 * sends itself cannot: the agent pages first, often while the backend is unreachable, so it signs
 * its own link. The claim names the incident by its shared identity (server id, monitor, start:
 * incident-key.ts) and when the link expires; it is signed with HMAC-SHA-256 keyed by the SHA-256
 * of the agent's API key. The backend stores exactly that digest for every key
 * (api_keys.secret_hash), so it verifies without any new secret to hand out or rotate, and a
 * revoked key's links stop working with it. Someone who can read secret_hash could forge an
 * acknowledgement, and can already do far more with that access.
 *
 * Token: `a1.<claim>.<signature>`, both base64url; the claim is
 * `<key prefix>\n<server id>\n<monitor>\n<started_at ms>\n<expires_at s>\n<channel kind>`.
 */
import { AGENT_CHANNEL_KINDS } from "./channel-kinds.ts";

export const AGENT_ACK_TOKEN_VERSION = "a1";
/** How long any acknowledge link works (it also stops once its incident is acknowledged or resolved). */
export const ACK_LINK_TTL_MS = 24 * 3_600_000;
/** The characters of an API key stored in the clear to find it again (`cus_` and 8 more). */
export const API_KEY_VISIBLE_PREFIX_LENGTH = 12;

/** Longest token accepted: a 200-character monitor name fits, a pasted novel does not. */
const MAX_TOKEN_CHARS = 600;
const SIGNATURE_BYTES = 16; // 128 bits: forging one needs 2^128 tries against the server
const AGENT_TOKEN_RE = /^a1\.[A-Za-z0-9_-]{1,560}\.[A-Za-z0-9_-]{22}$/;
const DOMAIN = "custos agent acknowledge link\n";

export interface AgentAckClaim {
  /** The first characters of the API key that signed it (api_keys.prefix). */
  keyPrefix: string;
  serverId: string;
  monitor: string;
  startedAt: number;
  /** ms since the epoch, whole seconds. */
  expiresAt: number;
  /** The kind of channel that carried the page, for the incident's "acknowledged via". */
  channel: AgentAckChannel;
}

export const AGENT_ACK_CHANNELS = AGENT_CHANNEL_KINDS;
export type AgentAckChannel = (typeof AGENT_ACK_CHANNELS)[number];

export interface SignedAgentAck {
  claim: AgentAckClaim;
  /** What was signed and the signature, for verifyAgentAck. */
  signed: Uint8Array<ArrayBuffer>;
  signature: Uint8Array;
}

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

async function hmacKey(secretHash: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    new Uint8Array(secretHash),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

function signedBytes(claimText: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(DOMAIN + claimText);
}

/** The token an agent puts in its page's acknowledge link. */
export async function signAgentAck(apiKey: string, claim: Omit<AgentAckClaim, "keyPrefix">): Promise<string> {
  const claimText = [
    apiKey.slice(0, API_KEY_VISIBLE_PREFIX_LENGTH),
    claim.serverId,
    claim.monitor,
    String(Math.trunc(claim.startedAt)),
    String(Math.floor(claim.expiresAt / 1000)),
    claim.channel,
  ].join("\n");
  const secretHash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(apiKey)));
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secretHash), signedBytes(claimText));
  const signature = new Uint8Array(mac).slice(0, SIGNATURE_BYTES);
  return `${AGENT_ACK_TOKEN_VERSION}.${toBase64Url(encoder.encode(claimText))}.${toBase64Url(signature)}`;
}

/** Whether a token has the agent-signed shape (and so is not one of the backend's own). */
export function isAgentAckToken(token: string): boolean {
  return token.length <= MAX_TOKEN_CHARS && AGENT_TOKEN_RE.test(token);
}

/** The claim of an agent-signed token, not yet verified; undefined when it is malformed. */
export function parseAgentAck(token: string): SignedAgentAck | undefined {
  if (!isAgentAckToken(token)) return undefined;
  const [, claimPart, signaturePart] = token.split(".") as [string, string, string];
  const claimBytes = fromBase64Url(claimPart);
  const signature = fromBase64Url(signaturePart);
  if (!claimBytes || signature?.length !== SIGNATURE_BYTES) return undefined;
  let claimText: string;
  try {
    claimText = new TextDecoder("utf-8", { fatal: true }).decode(claimBytes);
  } catch {
    return undefined;
  }
  const parts = claimText.split("\n");
  if (parts.length !== 6) return undefined;
  const [keyPrefix, serverId, monitor, started, expires, channel] = parts as [
    string,
    string,
    string,
    string,
    string,
    AgentAckChannel,
  ];
  if (keyPrefix.length !== API_KEY_VISIBLE_PREFIX_LENGTH || !serverId || !monitor) return undefined;
  if (!AGENT_ACK_CHANNELS.includes(channel)) return undefined;
  if (!/^[0-9]{1,15}$/.test(started) || !/^[0-9]{1,12}$/.test(expires)) return undefined;
  return {
    claim: {
      keyPrefix,
      serverId,
      monitor,
      startedAt: Number(started),
      expiresAt: Number(expires) * 1000,
      channel,
    },
    signed: signedBytes(claimText),
    signature,
  };
}

/**
 * Whether `secretHash` (the SHA-256 of an API key) signed it: the MAC is recomputed and its first
 * 128 bits compared in constant time (WebCrypto's verify wants the whole, untruncated MAC).
 */
export async function verifyAgentAck(token: SignedAgentAck, secretHash: Uint8Array): Promise<boolean> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secretHash), token.signed));
  let difference = 0;
  for (let i = 0; i < SIGNATURE_BYTES; i++) difference |= (mac[i] as number) ^ (token.signature[i] as number);
  return difference === 0;
}

/**
 * ntfy's action button for an acknowledge link:
 * `http, Acknowledge, <url>, method=POST, headers.Accept=application/json, clear=true`. ntfy's
 * short format splits on commas and semicolons, so only a URL without them (ours always is) goes
 * in; anything else is left out rather than breaking the header.
 */
export function ntfyAckAction(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return undefined;
  }
  if (/[,;\s"]/.test(href)) return undefined;
  return `http, Acknowledge, ${href}, method=POST, headers.Accept=application/json, clear=true`;
}

/** The acknowledge route under an API origin (custos-server's address or the Supabase project). */
export function ackLinkUrl(apiOrigin: string, token: string): string {
  return `${apiOrigin.replace(/\/+$/, "")}/functions/v1/api/ack/${token}`;
}
