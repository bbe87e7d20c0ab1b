import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startJsonSink } from "./helpers/agent-api.ts";
import { alertEverythingToWebhook, registerServerWithShortTimeout } from "./helpers/alerting.ts";

/**
 * The acknowledge link through a real custos-server: its scheduler sweeps and pages a real
 * webhook receiver on loopback, and the page's `ack_url` is followed over HTTP as a browser would
 * (GET the confirmation page, POST its form). That no escalation or repeat follows is tested
 * deterministically in packages/backend/test/ack-links.test.ts.
 */
let sink: Awaited<ReturnType<typeof startJsonSink>>;
let server: CustosServerHandle;
let sql: postgres.Sql;

beforeAll(async () => {
  sink = await startJsonSink();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { HOST: "127.0.0.1" } });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end();
  await server?.close();
  await sink.close();
});

describe("acknowledge link in custos-server", () => {
  it("acknowledges from the page's link over HTTP (GET shows a form, POST acknowledges)", async () => {
    const org = await server.createOrg("Ack");
    const key = await server.createKey(org, "agent");
    await alertEverythingToWebhook(sql, org, sink.url);
    await registerServerWithShortTimeout(server.url, sql, key);

    // generous: the machine is shared and the sweep runs every 10 s
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !sink.payloads.some((p) => p.event === "down")) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const down = sink.payloads.find((p) => p.event === "down");
    expect(down?.ack_url).toMatch(/\/functions\/v1\/api\/ack\/[0-9A-Za-z]{24}$/);
    const path = new URL(down?.ack_url).pathname;

    const page = await fetch(`${server.url}${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<form method="post">');

    const done = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(/Acknowledged by link at /);
    const [incident] = await sql`select status::text, acknowledged_via from incidents where org_id = ${org}`;
    expect(incident).toEqual({ status: "acknowledged", acknowledged_via: "link in webhook notification" });
  }, 180_000);
});
