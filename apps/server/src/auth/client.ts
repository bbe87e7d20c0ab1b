import { isIP } from "node:net";
import type { Context } from "hono";
import type { AuthConfig, Client } from "./context.ts";

/** What @hono/node-server passes as `c.env`: the Node request, whose socket knows the peer. */
export interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string | undefined } };
}

/**
 * The caller's address: the socket's peer, unless CUSTOS_TRUST_PROXY says N proxies stand in
 * front — then the N-th X-Forwarded-For entry from the right, the one the outermost trusted proxy
 * wrote (entries further left are whatever the client claimed, and are never believed).
 */
export function clientAddress(
  c: Context<{ Bindings: NodeBindings }>,
  trustProxyHops: number,
): string | undefined {
  const socket = normalise(c.env?.incoming?.socket?.remoteAddress);
  if (trustProxyHops <= 0) return socket;
  const chain = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return normalise(chain[chain.length - trustProxyHops]) ?? socket;
}

export function clientOf(c: Context<{ Bindings: NodeBindings }>, config: AuthConfig): Client {
  const origin = config.publicUrl ?? new URL(c.req.url).origin;
  return {
    address: clientAddress(c, config.trustProxyHops),
    userAgent: c.req.header("user-agent")?.slice(0, 500),
    issuer: `${origin}/auth/v1`,
  };
}

function normalise(address: string | undefined): string | undefined {
  if (!address) return undefined;
  // IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d; count them as a.b.c.d
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return isIP(plain) ? plain : undefined;
}
