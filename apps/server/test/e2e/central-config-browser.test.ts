/**
 * The issue's own test (issue 15) in Chromium: an admin changes a threshold in the server page's
 * central configuration form; a real agent applies it within one heartbeat and the next breach
 * opens an incident. On the way, the editor shows the field the backend refused in an invalid
 * configuration, and the page shows whether the agent runs the current version.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startJsonSink } from "../helpers/agent-api.ts";
import { type AppMetricsAgent, startAppMetricsAgent } from "../helpers/central-agent.ts";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot, waitFor } from "./browser.ts";
import { apiCall, signUpInBrowser } from "./session.ts";

const HEARTBEAT_SECONDS = 2;

let server: CustosServerHandle;
let sql: postgres.Sql;
let browser: Browser;
let sink: Awaited<ReturnType<typeof startJsonSink>>;
let dir: string;
let agent: AppMetricsAgent | undefined;

beforeAll(async () => {
  ensureDashboardBuilt();
  sink = await startJsonSink();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { HOST: "127.0.0.1" } });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
  browser = await openBrowser();
  dir = mkdtempSync(join(tmpdir(), "custos-central-browser-"));
}, 300_000);
afterAll(async () => {
  await agent?.stop();
  await browser?.close();
  await sql?.end();
  await server?.close();
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the server page's central configuration in Chromium", () => {
  it("changes a threshold that a real agent applies within one heartbeat; the next breach opens an incident", async () => {
    const { page } = browser;
    const { token, orgId } = await signUpInBrowser(server, page, `central${Date.now()}@example.com`);
    const key = await server.createKey(orgId, "agent");
    // the organization's default: far above the application's queue
    await apiCall(server, token, "PUT", `/orgs/${orgId}/monitor-config`, {
      scope: "org",
      thresholds: [{ metric: "queue_depth", crit_above: 100_000 }],
    });

    agent = await startAppMetricsAgent({
      serverUrl: server.url,
      key,
      dir,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      webhookUrl: sink.url,
    });
    const serverId = await waitFor(
      async () => (await sql<{ id: string }[]>`select id from servers where org_id = ${orgId}`)[0]?.id,
      60_000,
      "registration",
    );
    await waitFor(async () => (await agent?.post(5000)) === 202, 20_000, "the application endpoint");

    await page.goto(`${server.url}/servers/detail?id=${serverId}`);
    await page.getByText("The agent runs this configuration").waitFor({ timeout: 60_000 });
    await page.getByText("crit above 100000").waitFor();
    const own = page.getByRole("form", { name: "This server's own entry" });
    const monitors = own.getByLabel("Monitors (JSON)");
    const save = own.getByRole("button", { name: "Save configuration" });

    // an invalid plugin option is refused by the backend, naming the field
    await monitors.fill(JSON.stringify([{ type: "http", name: "site", options: { url: "nope" } }]));
    await save.click();
    await own.getByText("monitors.0.options.url").first().waitFor();

    // this server's own threshold replaces the organization's (same metric), set in the form
    await monitors.fill("[]");
    await own.getByRole("button", { name: "Other metric" }).click();
    const row = own.getByRole("group", { name: "Threshold 1" });
    await row.getByLabel("Metric").fill("queue_depth");
    await row.getByLabel("Critical above").fill("1000");
    const changedAt = Date.now();
    await save.click();
    await page.getByText("Saved.").waitFor();
    await page.getByText("crit above 1000", { exact: true }).waitFor({ timeout: 20_000 });
    await waitFor(
      async () =>
        (await apiCall(server, token, "GET", `/orgs/${orgId}/servers/${serverId}/monitor-config`)).body
          .in_sync,
      20_000,
      "the agent applying the change",
    );
    // one heartbeat interval, plus the fetch and the report on a busy 2-core machine
    expect(Date.now() - changedAt).toBeLessThan(HEARTBEAT_SECONDS * 1000 + 4_000);

    await agent.post(5000);
    const incident = await waitFor(
      async () =>
        (
          await sql<{ status: string }[]>`
            select i.status::text as status from incidents i join monitors m on m.id = i.monitor_id
            where i.org_id = ${orgId} and m.name = 'threshold:queue_depth'`
        )[0],
      60_000,
      "the incident",
    );
    expect(incident.status).toBe("open");
    await waitFor(
      () => sink.payloads.find((p) => p.event === "down" && p.source === "agent"),
      60_000,
      "the agent's own page",
    );
    await page.getByText("The agent runs this configuration").waitFor({ timeout: 20_000 });
    await shoot(page, "50-server-central-configuration");
    expect(browser.problems).toEqual([]);
  }, 300_000);
});
