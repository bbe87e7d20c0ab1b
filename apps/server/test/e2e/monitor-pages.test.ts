/**
 * A probe's page and an agent monitor's page in Chromium, against a real custos-server (its
 * scheduler runs the probe against a loopback target, its rollup job folds the results), on a
 * desktop and a phone viewport. Screenshots land in test-artifacts/dashboard/monitor-*.png.
 * The maintenance bars and the 90/365-day response-time chart read hourly rollups written with
 * SQL (months of history cannot be waited for), laid out as the refresh writes them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot, waitFor } from "./browser.ts";
import { agent, api, fitsWidth, signIn, signUpByApi, signUpInBrowser } from "./session.ts";

let server: CustosServerHandle;
let target: Server;
let targetUrl: string;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
  target = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<h1>Welcome to the shop</h1>");
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
}, 180_000);
afterAll(async () => {
  target?.closeAllConnections();
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  await server?.close();
});

/** The uptime figure shown for a window ("24 hours", "365 days"). */
async function uptimeShown(page: Page, window: string): Promise<string> {
  const card = page.locator("dl > div", { hasText: `Uptime ${window}` });
  return ((await card.locator("dd").first().textContent()) ?? "").trim();
}

describe("monitor pages in Chromium", () => {
  let desktop: Browser;
  let phone: Browser;
  let email: string;
  let probeId: string;
  let monitorId: string;
  let token: string;
  let orgId: string;

  beforeAll(async () => {
    desktop = await openBrowser();
    phone = await openBrowser({ width: 390, height: 844, mobile: true });
  });
  afterAll(async () => {
    await desktop?.close();
    await phone?.close();
  });

  it("shows a probe's uptime, response times, history and settings, and tests an edit before saving", async () => {
    // someone owns the instance already, so the browser's sign-up is an ordinary one
    await signUpByApi(server);
    const { page } = desktop;
    email = `monitors${Date.now()}@example.com`;
    ({ token, orgId } = await signUpInBrowser(server, page, email));

    // a probe of a loopback shop, every 10 s, that must find "Welcome"
    probeId = (
      await api<{ id: string }>(server, token, `/orgs/${orgId}/probes`, {
        method: "POST",
        body: JSON.stringify({
          name: "Shop",
          interval_seconds: 10,
          config: { kind: "http", url: targetUrl, keyword: "Welcome", degraded_ms: 2000, down_ms: 5000 },
        }),
      })
    ).id;
    // an agent monitor with known results: three passed, one failed
    const { key } = await api<{ key: string }>(server, token, `/orgs/${orgId}/api-keys`, {
      method: "POST",
      body: JSON.stringify({ name: "db", scope: "agent" }),
    });
    const { server_id } = await agent<{ server_id: string }>(server, key, "register", {
      hostname: "db-1.lan",
      server_name: "db-1",
      agent_version: "0.1.0",
      os: "linux",
      arch: "x64",
    });
    await agent(server, key, "heartbeat", { server_id, sent_at: new Date().toISOString() });
    const now = Date.now();
    await agent(server, key, "checks", {
      server_id,
      batch_id: crypto.randomUUID(),
      results: [
        {
          monitor: "postgres",
          type: "postgres",
          status: "ok",
          latency_ms: 4,
          message: "accepting connections",
          ts: new Date(now - 40_000).toISOString(),
        },
        {
          monitor: "postgres",
          type: "postgres",
          status: "ok",
          latency_ms: 6,
          message: "accepting connections",
          ts: new Date(now - 30_000).toISOString(),
        },
        {
          monitor: "postgres",
          type: "postgres",
          status: "down",
          message: "connection refused",
          ts: new Date(now - 20_000).toISOString(),
        },
        {
          monitor: "postgres",
          type: "postgres",
          status: "ok",
          latency_ms: 5,
          message: "accepting connections",
          ts: new Date(now - 10_000).toISOString(),
        },
      ],
    });
    const detail = await api<{ monitors: { id: string; name: string }[] }>(
      server,
      token,
      `/orgs/${orgId}/servers/${server_id}`,
    );
    monitorId = detail.monitors.find((m) => m.name === "postgres")?.id as string;

    // the scheduler runs the probe (its first run within one interval)
    await waitFor(
      async () =>
        (await api<{ results: unknown[] }>(server, token, `/orgs/${orgId}/monitors/${probeId}/results`))
          .results.length >= 2,
      60_000,
      "two results of the probe",
    );

    // from the probes list to the probe's page
    await page.goto(`${server.url}/settings/probes`);
    await page.getByRole("link", { name: "Shop" }).click();
    await page.waitForURL(/\/monitors\/detail\?id=/);
    await page.getByRole("heading", { name: "Response time" }).waitFor();
    for (const window of ["24 hours", "7 days", "30 days", "365 days"]) {
      expect(await uptimeShown(page, window)).toBe("100%");
    }
    const history = page.getByRole("list", { name: "Check results" });
    await history.getByRole("listitem").first().waitFor();
    expect(await history.getByRole("listitem").count()).toBeGreaterThanOrEqual(2);
    expect(await history.textContent()).toMatch(/OK.*\d+ ms/);
    // the settings the form promises: keyword, thresholds, TLS
    await page.getByText('"Welcome"').waitFor();
    await page.getByText("5000 ms").waitFor();
    await page.getByText(/degraded when it expires within 14 days/).waitFor();
    await page.locator("figure svg").first().waitFor();
    await shoot(page, "monitor-probe-desktop");

    // edit in place: a keyword the page lacks fails the test run, and nothing is saved by it
    await page.getByRole("button", { name: "Edit probe" }).click();
    const keyword = page.getByLabel("Must contain");
    expect(await keyword.inputValue()).toBe("Welcome");
    await keyword.fill("Sold out");
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await page.getByText('keyword "Sold out" not found').waitFor();
    await shoot(page, "monitor-probe-test-run-desktop");
    await keyword.fill("Welcome to the shop");
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await page.locator("output").getByText("OK").waitFor();
    await page.getByRole("button", { name: "Save probe" }).click();
    await page.getByText('"Welcome to the shop"').waitFor();
    const saved = await api<{ monitor: { config: { keyword: string } } }>(
      server,
      token,
      `/orgs/${orgId}/monitors/${probeId}`,
    );
    expect(saved.monitor.config.keyword).toBe("Welcome to the shop");

    // from the server page to the agent monitor's page: 3 of 4 checks passed
    await page.goto(`${server.url}/servers/detail?id=${server_id}`);
    await page.getByRole("link", { name: "postgres" }).click();
    await page.waitForURL(/\/monitors\/detail\?id=/);
    await page.getByRole("heading", { name: "History" }).waitFor();
    expect(await uptimeShown(page, "24 hours")).toBe("75.00%");
    expect(await uptimeShown(page, "365 days")).toBe("75.00%");
    await page.getByText("4 checks, 1 failed").first().waitFor();
    const agentHistory = page.getByRole("list", { name: "Check results" });
    await agentHistory.getByText("connection refused").waitFor();
    expect(await agentHistory.getByRole("listitem").count()).toBe(4);
    await page.getByText(/runs this check with the settings in its/).waitFor();
    await shoot(page, "monitor-agent-desktop");
    expect(desktop.problems).toEqual([]);
  }, 240_000);

  it("fits both pages on a phone", async () => {
    const { page } = phone;
    await signIn(server, page, email);
    await page.goto(`${server.url}/monitors/detail?id=${probeId}`);
    await page.getByRole("heading", { name: "Response time" }).waitFor();
    expect(await uptimeShown(page, "30 days")).toBe("100%");
    expect(await fitsWidth(page)).toBe(true);
    await shoot(page, "monitor-probe-phone");
    await page.goto(`${server.url}/monitors/detail?id=${monitorId}`);
    await page.getByRole("list", { name: "Check results" }).getByText("connection refused").waitFor();
    expect(await uptimeShown(page, "7 days")).toBe("75.00%");
    expect(await fitsWidth(page)).toBe(true);
    await shoot(page, "monitor-agent-phone");
    // an id of nothing reads as not found, not as an error
    await page.goto(`${server.url}/monitors/detail?id=${crypto.randomUUID()}`);
    await page.getByText("Monitor not found").waitFor();
    expect(phone.problems).toEqual([]);
  }, 120_000);

  it("draws hours and days in maintenance apart and charts 90 and 365 days from the hourly rollups, on a desktop and a phone", async () => {
    const { page } = desktop;
    // the agent monitor's own window, from 3 hours to 1 hour ago, through the API
    const now = Date.now();
    await api(server, token, `/orgs/${orgId}/maintenance-windows`, {
      method: "POST",
      body: JSON.stringify({
        monitor_id: monitorId,
        starts_at: new Date(now - 3 * 3_600_000).toISOString(),
        ends_at: new Date(now - 3_600_000).toISOString(),
        reason: "disk swap",
      }),
    });
    // 80 days of hourly rollups with response times (one hour a day, 40 + day ms on average,
    // twice that at worst) and one hour 200 days back counted before response times were kept
    const sql = postgres(server.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await sql`
        insert into public.check_rollups_1h (monitor_id, bucket, org_id, ok_count, latency_sum_ms, latency_count,
                                             latency_min_ms, latency_max_ms)
        select ${monitorId}::uuid, private.bucket_1h(now()) - make_interval(days => d, hours => 6), ${orgId}::uuid, 10,
               10 * (40 + d), 10, 40 + d, 2 * (40 + d)
        from generate_series(1, 80) as d
        union all
        select ${monitorId}::uuid, private.bucket_1h(now()) - interval '200 days', ${orgId}::uuid, 10, null, null, null, null`;
    } finally {
      await sql.end();
    }

    await page.goto(`${server.url}/monitors/detail?id=${monitorId}`);
    await page.getByRole("heading", { name: "Response time" }).waitFor();
    const hours = page.getByRole("img", { name: /^Last 72 hours: .* hours in maintenance$/ });
    await hours.waitFor();
    const marked = hours.locator('[data-state="maintenance"]');
    // 2 hours of window over hour edges: 3 bars, or 2 if it started exactly on an hour
    expect(await marked.count()).toBeGreaterThanOrEqual(2);
    expect(await marked.count()).toBeLessThanOrEqual(3);
    expect(await marked.first().getAttribute("title")).toMatch(/: maintenance \(/);
    const days = page.getByRole("img", { name: /^Last 90 days: .* days in maintenance$/ });
    expect(await days.locator('[data-state="maintenance"]').count()).toBeGreaterThanOrEqual(1);
    // the bars' colours are not a status colour
    const colour = await marked.first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(colour).not.toMatch(/^rgb\((16, 185, 129|239, 68, 68)\)$/);

    await page.getByRole("button", { name: "90 d", exact: true }).click();
    await page.getByText(/Average \d+ ms over the last 90 days\./).waitFor();
    await page.getByText(/Response time over the last 90 days: average \d+ ms, slowest 240 ms\./).waitFor();
    await page.locator("figure svg").first().waitFor();
    await shoot(page, "monitor-maintenance-90d-desktop");
    await page.getByRole("button", { name: "365 d", exact: true }).click();
    await page.getByText(/^No response times before \w+ \d+, \d{4}\.$/).waitFor();
    await shoot(page, "monitor-365d-desktop");
    expect(desktop.problems).toEqual([]);

    // on a phone (signed in by the test before): the bars and the 90-day chart fit its width
    const small = phone.page;
    await small.goto(`${server.url}/monitors/detail?id=${monitorId}`);
    await small.getByRole("img", { name: /hours in maintenance$/ }).waitFor();
    await small.getByRole("button", { name: "90 d", exact: true }).click();
    await small.getByText(/Average \d+ ms over the last 90 days\./).waitFor();
    await small.locator("figure svg").first().waitFor();
    expect(await fitsWidth(small)).toBe(true);
    await shoot(small, "monitor-maintenance-90d-phone");
    expect(phone.problems).toEqual([]);
  }, 120_000);
});
