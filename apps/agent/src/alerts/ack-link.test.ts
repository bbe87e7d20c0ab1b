import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAgentAck } from "@custos/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredAlert } from "../store/alerts.ts";
import { KV } from "../store/kv.ts";
import { openStore, type Store } from "../store/store.ts";
import { agentAckLinks } from "./ack-link.ts";
import { BACKEND_MONITOR } from "./format.ts";

const KEY = "cus_AbCdEfGh0123456789abcdefghijABCDEFGHIJ01";
const SERVER = "7f1c2a4e-2b59-4a8e-9d55-0e6f3b1c9a10";
const NOW = Date.UTC(2026, 11, 5, 8, 0, 0);

const alert = (overrides: Partial<StoredAlert> = {}): StoredAlert => ({
  id: 1,
  incidentKey: `${SERVER}:http:api:2026-12-05T07:59:00.000Z`,
  monitor: "http:api",
  state: "down",
  startedAt: NOW - 60_000,
  createdAt: NOW,
  title: "DOWN: http:api on web-1",
  body: "…",
  durationMs: null,
  ...overrides,
});

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "custos-ack-"));
  store = openStore(join(dir, "state.db"));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const maker = (backendUrl: string, registered = true) =>
  agentAckLinks({
    store,
    apiKey: KEY,
    backendUrl,
    serverId: () => (registered ? SERVER : undefined),
    now: () => NOW,
  });

describe("acknowledge links in the agent's own pages", () => {
  it("point at the base the backend announced, signed for this server, monitor, start and channel, valid 24 h", async () => {
    store.kv.set(KV.ackLinkBase, "https://custos.example.com/functions/v1/api/ack/");
    const url = await maker("http://127.0.0.1:8080")(alert(), "slack");
    const token = url?.replace("https://custos.example.com/functions/v1/api/ack/", "") ?? "";
    expect(url).toMatch(/^https:\/\/custos\.example\.com\/functions\/v1\/api\/ack\/a1\./);
    expect(parseAgentAck(token)?.claim).toEqual({
      keyPrefix: "cus_AbCdEfGh",
      serverId: SERVER,
      monitor: "http:api",
      startedAt: NOW - 60_000,
      expiresAt: NOW + 86_400_000,
      channel: "slack",
    });
  });

  it("use the agent's own backend URL before the backend announced one, unless it is loopback", async () => {
    expect(await maker("https://abc.supabase.co")(alert(), "ntfy")).toMatch(
      /^https:\/\/abc\.supabase\.co\/functions\/v1\/api\/ack\/a1\./,
    );
    for (const url of ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"])
      expect(await maker(url)(alert(), "ntfy"), url).toBeUndefined();
  });

  it("are left out of RESTORED, backend-unreachable and pre-registration pages", async () => {
    const make = maker("https://custos.example.com");
    expect(await make(alert({ state: "flapping" }), "email")).toBeDefined();
    expect(await make(alert({ state: "restored" }), "email")).toBeUndefined();
    expect(await make(alert({ state: "backend_unreachable" }), "email")).toBeUndefined();
    expect(await make(alert({ monitor: BACKEND_MONITOR }), "email")).toBeUndefined();
    expect(await maker("https://custos.example.com", false)(alert(), "email")).toBeUndefined();
  });
});
