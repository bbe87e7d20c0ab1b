import { networkInterfaces } from "node:os";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startJsonSink } from "./helpers/agent-api.ts";
import {
  alertEverythingToWebhook,
  registerServerWithShortTimeout,
  sendHeartbeat,
} from "./helpers/alerting.ts";

/**
 * Links in notifications without CUSTOS_PUBLIC_URL: a real custos-server listening on every
 * address, a real webhook receiver on loopback, an agent that goes silent. The scheduler has no
 * request to take an origin from, so the link names the server's own address.
 */
let sink: Awaited<ReturnType<typeof startJsonSink>>;
let server: CustosServerHandle;
let sql: postgres.Sql;

beforeAll(async () => {
  sink = await startJsonSink();
  server = await startCustosServer({
    adminUrl: inject("pgAdminUrl"),
    // every address, as custos-server listens by default; the test runner's env may carry a URL
    env: { HOST: "0.0.0.0", CUSTOS_PUBLIC_URL: "" },
  });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end();
  await server?.close();
  await sink.close();
});

/** What custos-server should have picked: the first non-internal IPv4 address of this machine. */
function expectedBase(): string {
  const v4 = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .find((a) => a.family === "IPv4" && !a.internal);
  if (!v4) throw new Error("this machine has no non-loopback IPv4 address to test with");
  return `http://${v4.address}:${server.port}`;
}

describe("notification links without CUSTOS_PUBLIC_URL", () => {
  it("says at start-up which address links use and how to change it", () => {
    const line = server
      .output()
      .split("\n")
      .find((l) => l.includes("set CUSTOS_PUBLIC_URL to change"));
    expect(line).toBeDefined();
    expect(JSON.parse(line ?? "{}").url).toBe(expectedBase());
  });

  // waits for real sweeps (10-s timeout, its grace, the 10-s sweep): 30 s is too tight on a busy 2-core machine
  it("links every webhook notification to its incident at the server's own address", async () => {
    const org = await server.createOrg("Links");
    const key = await server.createKey(org, "agent");
    await alertEverythingToWebhook(sql, org, sink.url);
    const serverId = await registerServerWithShortTimeout(server.url, sql, key);

    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && !sink.payloads.some((p) => p.event === "down")) {
      await new Promise((r) => setTimeout(r, 250));
    }
    await sendHeartbeat(server.url, key, serverId);
    while (Date.now() < deadline + 15_000 && !sink.payloads.some((p) => p.event === "restored")) {
      await new Promise((r) => setTimeout(r, 250));
    }

    const [incident] = await sql<{ id: string }[]>`select id from incidents where org_id = ${org}`;
    expect(sink.payloads.map((p) => p.event)).toEqual(["down", "restored"]);
    for (const payload of sink.payloads) {
      expect(payload.url).toBe(`${expectedBase()}/incidents/${incident?.id}`);
      expect(payload.text).toContain(payload.url);
    }
  }, 120_000);
});
