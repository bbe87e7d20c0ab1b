import { describe, expect, it } from "vitest";
import {
  ackLinkUrl,
  isAgentAckToken,
  ntfyAckAction,
  parseAgentAck,
  signAgentAck,
  verifyAgentAck,
} from "./ack-link.ts";

const KEY = "cus_AbCdEfGh0123456789abcdefghijABCDEFGHIJ01";
const OTHER_KEY = "cus_ZyXwVuTs0123456789abcdefghijABCDEFGHIJ01";
const CLAIM = {
  serverId: "7f1c2a4e-2b59-4a8e-9d55-0e6f3b1c9a10",
  monitor: "http:api",
  startedAt: Date.UTC(2026, 11, 5, 7, 0, 0, 123),
  expiresAt: Date.UTC(2026, 11, 6, 7, 0, 5, 999),
  channel: "ntfy" as const,
};

const b64url = (binary: string) => btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

const sha256 = async (text: string) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));

describe("agent-signed acknowledge tokens", () => {
  it("carry the incident's identity and whole-second expiry, verified by the SHA-256 of the signing key", async () => {
    const token = await signAgentAck(KEY, CLAIM);
    expect(isAgentAckToken(token)).toBe(true);
    const parsed = parseAgentAck(token);
    expect(parsed?.claim).toEqual({
      keyPrefix: "cus_AbCdEfGh",
      serverId: CLAIM.serverId,
      monitor: "http:api",
      startedAt: CLAIM.startedAt,
      expiresAt: Date.UTC(2026, 11, 6, 7, 0, 5),
      channel: "ntfy",
    });
    expect(await verifyAgentAck(parsed!, await sha256(KEY))).toBe(true);
    expect(await verifyAgentAck(parsed!, await sha256(OTHER_KEY))).toBe(false);
  });

  it("keep a monitor name with spaces, slashes and non-Latin letters intact and URL-safe", async () => {
    const monitor = "disk /var/lib — Zürich 東京";
    const token = await signAgentAck(KEY, { ...CLAIM, monitor });
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(parseAgentAck(token)?.claim.monitor).toBe(monitor);
  });

  it("fail verification when any part of the claim was changed", async () => {
    const token = await signAgentAck(KEY, CLAIM);
    const [version, , signature] = token.split(".");
    for (const change of [
      { monitor: "http:other" },
      { startedAt: CLAIM.startedAt + 1 },
      { expiresAt: CLAIM.expiresAt + 86_400_000 },
      { serverId: "00000000-0000-4000-8000-000000000000" },
      { channel: "email" as const },
    ]) {
      const forged = await signAgentAck(OTHER_KEY, { ...CLAIM, ...change });
      const [, claimPart] = forged.split(".");
      // the other key's prefix differs, so swap it back to the real key's prefix as an attacker would
      const claimText = new TextDecoder()
        .decode(
          Uint8Array.from(atob(claimPart!.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
        )
        .replace("cus_ZyXwVuTs", "cus_AbCdEfGh");
      const parsed = parseAgentAck(`${version}.${b64url(claimText)}.${signature}`);
      expect(parsed).toBeDefined();
      expect(await verifyAgentAck(parsed!, await sha256(KEY))).toBe(false);
    }
  });

  it("refuse malformed, truncated, oversized and foreign tokens without throwing", async () => {
    const token = await signAgentAck(KEY, CLAIM);
    const bad = [
      "",
      "a1",
      "a1..",
      token.slice(0, -1),
      `${token}A`,
      token.replace(/^a1/, "a2"),
      `a1.${"A".repeat(2000)}.${"B".repeat(22)}`,
      `a1.${b64url("only\ntwo")}.${"B".repeat(22)}`,
      `a1.${b64url("cus_AbCdEfGh\ns\nm\n1\n1\nfax")}.${"B".repeat(22)}`,
      `a1.${b64url("cus_AbCdEfGh\ns\nm\n1\n1")}.${"B".repeat(22)}`,
      `a1.${b64url("cus_AbCdEfGh\ns\nm\nnot-a-number\n1\nntfy")}.${"B".repeat(22)}`,
      `a1.${b64url("short\ns\nm\n1\n1\nntfy")}.${"B".repeat(22)}`,
      `a1.${b64url("cus_AbCdEfGh\n\nm\n1\n1\nntfy")}.${"B".repeat(22)}`,
      // invalid UTF-8 in the claim
      `a1.${b64url(String.fromCharCode(0xff, 0xfe, 0xfd))}.${"B".repeat(22)}`,
      "0123456789ABCDEFabcdef01", // a backend token
      "a1.<script>.x",
    ];
    for (const text of bad) expect(parseAgentAck(text), text).toBeUndefined();
    expect(isAgentAckToken("0123456789ABCDEFabcdef01")).toBe(false);
  });
});

describe("acknowledge link helpers", () => {
  it("put the token under the API's ack route whatever the origin's trailing slashes", () => {
    expect(ackLinkUrl("http://10.0.0.5:8080/", "tok")).toBe("http://10.0.0.5:8080/functions/v1/api/ack/tok");
    expect(ackLinkUrl("https://x.supabase.co", "tok")).toBe("https://x.supabase.co/functions/v1/api/ack/tok");
  });

  it("make an ntfy http action that POSTs with Accept JSON, and none for a URL ntfy's format would split", () => {
    expect(ntfyAckAction("https://c.example/functions/v1/api/ack/a1.x.y")).toBe(
      "http, Acknowledge, https://c.example/functions/v1/api/ack/a1.x.y, method=POST, headers.Accept=application/json, clear=true",
    );
    expect(ntfyAckAction("https://c.example/a,b")).toBeUndefined();
    expect(ntfyAckAction("not a url")).toBeUndefined();
    expect(ntfyAckAction(undefined)).toBeUndefined();
  });
});
