/**
 * "Test" a central monitor before saving it, in Chromium (issue 17, decision 0045), with a real
 * agent (`custos-agent run` from source, a child process) connected to the custos-server under
 * test: an admin types an http monitor whose URL comes from the agent's environment, tests it on
 * the server and sees it wait, run and report; a monitor the API refuses is named by its field,
 * one the agent refuses too; nothing is saved or recorded; with the agent stopped the test
 * expires saying so. The same on a phone's width.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AGENT_MAIN, type Browser, ensureDashboardBuilt, openBrowser, shoot, waitFor } from "./browser.ts";
import { apiCall, fitsWidth, signIn, signUpInBrowser } from "./session.ts";

let server: CustosServerHandle;
let sql: postgres.Sql;
let desktop: Browser;
let phone: Browser;
let target: Server;
let targetUrl: string;
const hits: string[] = [];
const dir = mkdtempSync(join(tmpdir(), "custos-monitor-test-"));
let agent: ChildProcess | undefined;
let agentOut = "";

/** A `${NAME}` reference, as an admin writes it. */
const ref = (name: string) => `$${"{"}${name}}`;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { HOST: "127.0.0.1" } });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
  target = createServer((req, res) => {
    hits.push(req.url ?? "");
    res.writeHead(200).end("ok");
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  desktop = await openBrowser();
  phone = await openBrowser({ width: 390, height: 844, mobile: true });
}, 300_000);
afterAll(async () => {
  await stopAgent();
  await desktop?.close();
  await phone?.close();
  await sql?.end();
  await server?.close();
  if (target) await new Promise((resolve) => target.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function startAgent(key: string) {
  const config = join(dir, "agent.yaml");
  writeFileSync(
    config,
    [
      `api_key: ${key}`,
      `url: ${server.url}`,
      "server_name: tested-box",
      "heartbeat_interval: 2s",
      "metrics_push_interval: 1s",
      "monitors:",
      "  - type: system",
      "    check_interval: 5s",
      "buffer:",
      `  path: ${join(dir, "state.db")}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  // the URL lives in the agent's environment only, as a credential would
  agent = spawn(process.execPath, [AGENT_MAIN, "run", "--config", config], {
    env: { ...process.env, SITE_URL: targetUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  agent.stdout?.on("data", (d: Buffer) => {
    agentOut += d.toString();
  });
  agent.stderr?.on("data", (d: Buffer) => {
    agentOut += d.toString();
  });
}

async function stopAgent() {
  const child = agent;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Types `monitors` into the organization's editor (unsaved) and presses Test. */
async function testMonitors(page: Page, monitors: unknown[]) {
  const org = page.getByRole("form", { name: "Organization defaults" });
  await org.getByLabel("Monitors (JSON)").fill(JSON.stringify(monitors, null, 2));
  const box = org.getByRole("region", { name: "Test a monitor" });
  await box.getByRole("button", { name: "Test", exact: true }).click();
  return box;
}

describe("Test a central monitor in Chromium, with a real agent", () => {
  it("runs an unsaved monitor once on the server's agent and shows waiting, running and the result", async () => {
    const stamp = Date.now();
    const email = `monitor-test${stamp}@example.com`;
    const { token, orgId } = await signUpInBrowser(server, desktop.page, email);
    startAgent(await server.createKey(orgId, "agent"));
    const serverId = await waitFor(
      async () => (await sql<{ id: string }[]>`select id from servers where org_id = ${orgId}`)[0]?.id,
      60_000,
      `registration (agent output: ${agentOut.slice(-2000)})`,
    );

    const { page } = desktop;
    await page.goto(`${server.url}/settings/configuration`);
    const org = page.getByRole("form", { name: "Organization defaults" });
    await org.getByText("No thresholds.").waitFor({ timeout: 30_000 });
    const site = { type: "http", name: "site", options: { url: `${ref("SITE_URL")}/health` } };
    const box = await testMonitors(page, [site]);
    expect(await box.getByLabel("Run it on").inputValue()).toBe(serverId);
    // waiting for the agent, then running (either may be brief), then the result
    await box
      .getByText(/Waiting for the agent|Running/)
      .first()
      .waitFor();
    await box.getByText("OK", { exact: true }).waitFor({ timeout: 30_000 });
    await box.getByRole("list", { name: "Checks" }).getByText("site", { exact: true }).waitFor();
    await box.getByText(/\d+ samples? in \d+ ms/).waitFor();
    await shoot(page, "70-settings-configuration-monitor-test-ok");
    expect(hits.filter((h) => h === "/health")).toHaveLength(1);

    // refused by the API, naming the field: nothing queued
    const queued = async () =>
      (await sql<{ n: number }[]>`select count(*)::int as n from monitor_test_runs`)[0]?.n;
    const before = await queued();
    await testMonitors(page, [{ ...site, options: { url: "ftp://nope" } }]);
    await box.getByText(/Not tested: monitor\.options\.url: /).waitFor();
    expect(await queued()).toBe(before);

    // refused by the agent: the variable is not in its environment
    await testMonitors(page, [{ ...site, options: { url: ref("NOT_SET_ANYWHERE") } }]);
    await box.getByText("Refused by the agent").waitFor({ timeout: 30_000 });
    await box.getByText(/monitor\.options\.url: .*NOT_SET_ANYWHERE/).waitFor();
    await shoot(page, "71-settings-configuration-monitor-test-refused");

    // nothing was saved, recorded or opened by testing
    expect((await apiCall(server, token, "GET", `/orgs/${orgId}/monitor-config`)).body.entries).toEqual([]);
    const [counts] = await sql`
      select (select count(*)::int from monitors where name = 'site') as monitors,
             (select count(*)::int from incidents) as incidents`;
    expect(counts).toEqual({ monitors: 0, incidents: 0 });

    // on a phone, the same test fits the screen
    await signIn(server, phone.page, email);
    await phone.page.goto(`${server.url}/settings/configuration`);
    await phone.page
      .getByRole("form", { name: "Organization defaults" })
      .getByText("No thresholds.")
      .waitFor({
        timeout: 30_000,
      });
    const phoneBox = await testMonitors(phone.page, [site]);
    await phoneBox.getByText("OK", { exact: true }).waitFor({ timeout: 30_000 });
    await phoneBox.scrollIntoViewIfNeeded();
    expect(await fitsWidth(phone.page)).toBe(true);
    await shoot(phone.page, "72-phone-settings-configuration-monitor-test", { fullPage: false });

    // with the agent stopped, a test expires and says why
    await stopAgent();
    await testMonitors(page, [site]);
    await box.getByText("Waiting for the agent").waitFor();
    // two minutes pass (the run's clock, not the test's)
    await sql`update monitor_test_runs set created_at = now() - interval '3 minutes' where status = 'pending'`;
    await box.getByText("Expired").waitFor({ timeout: 15_000 });
    await box.getByText("the agent did not answer: is it online?").waitFor();
    await shoot(page, "73-settings-configuration-monitor-test-expired");

    expect(desktop.problems).toEqual([]);
    expect(phone.problems).toEqual([]);
  }, 300_000);
});
