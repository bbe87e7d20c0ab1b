/**
 * The dashboard in a real browser against a real custos-server (embedded PostgreSQL, /auth/v1,
 * the API, the scheduler) serving the built static export, as `npm start` does.
 * Screenshots of every page land in test-artifacts/dashboard/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  AGENT_MAIN,
  ARTIFACTS,
  type Browser,
  ensureDashboardBuilt,
  openBrowser,
  shoot,
  waitFor,
} from "./browser.ts";
import { accessToken, agent, api, PASSWORD, submitSignUp } from "./session.ts";

let server: CustosServerHandle;
beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({
    adminUrl: inject("pgAdminUrl"),
    // the 1,000-server fleet below registers faster than an agent would
    env: { CUSTOS_AGENT_RATE_LIMIT: "100000" },
  });
}, 180_000);
afterAll(() => server?.close());

let counter = 0;
const newEmail = () => `user${Date.now()}${counter++}@example.com`;

// this file's server bound into the shared session helpers (session.ts), as its tests call them
const signUp = (page: Page, email: string) => submitSignUp(server, page, email);
const agentCall = (key: string, path: string, body: unknown) =>
  agent<{ server_id: string }>(server, key, path, body);
const apiAs = <T>(token: string, path: string, init?: RequestInit) => api<T>(server, token, path, init);

describe("dashboard in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(() => browser?.close());

  it("sends a visitor to sign-in, and a new user from sign-up into the app to create a key and see the install command", async () => {
    const { page } = browser;
    // someone owns the instance already: a fresh one opens on its first account instead
    // (e2e/first-hour.test.ts)
    const owner = await fetch(`${server.url}/auth/v1/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: newEmail(), password: PASSWORD }),
    });
    expect(owner.status).toBe(200);
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shoot(page, "01-sign-in");
    await page.emulateMedia({ colorScheme: "dark" });
    await shoot(page, "01-sign-in-dark");
    await page.emulateMedia({ colorScheme: "light" });

    // a wrong password is refused with a message, not a crash
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const refusal = page.locator("form [role=alert]");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/wrong email or password|invalid/i);

    const email = newEmail();
    await page.goto(`${server.url}/sign-up`);
    await shoot(page, "02-sign-up");
    await signUp(page, email);
    // a new user lands in onboarding, in their personal organization
    await page.waitForURL(/\/onboarding/);
    await page.getByRole("button", { name: "Create API key" }).waitFor();
    await page
      .getByText(`${email.split("@")[0]}'s organization`)
      .first()
      .waitFor();
    await shoot(page, "03-onboarding");

    await page.getByRole("button", { name: "Create API key" }).click();
    const key = page.locator("figure", { hasText: "API key" }).locator("code");
    await key.waitFor();
    expect(await key.textContent()).toMatch(/^cus_[0-9A-Za-z]{40}$/);
    const install =
      (await page.locator("figure", { hasText: "Install command" }).locator("code").textContent()) ?? "";
    expect(install).toContain(await key.textContent());
    expect(install).toContain(server.url);
    await page.getByText("Waiting for the first heartbeat").waitFor();
    await shoot(page, "04-onboarding-key-and-install-command");

    // the key is listed (prefix only) in settings, and the servers page is empty but friendly
    await page.goto(`${server.url}/settings/api-keys`);
    await page.getByRole("cell", { name: "agent key", exact: true }).waitFor();
    await shoot(page, "05-settings-api-keys");
    await page.goto(`${server.url}/servers`);
    await page.getByText("No servers yet").waitFor();
    await shoot(page, "06-servers-empty");
    for (const [path, name, text] of [
      ["/incidents", "07-incidents-empty", "All clear"],
      ["/settings", "08-settings-general", "Organization"],
      ["/settings/members", "09-settings-members", "Invitations"],
      ["/settings/channels", "10-settings-channels", "No channels yet"],
      ["/settings/alerts", "11-settings-alert-rules", "No alert rules"],
      ["/settings/probes", "12-settings-probes", "No probes yet"],
      ["/settings/maintenance", "13-settings-maintenance", "No upcoming maintenance"],
      ["/settings/status-pages", "14-settings-status-pages", "No status page yet"],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.getByText(text, { exact: false }).first().waitFor();
      await shoot(page, name);
    }

    // sign out ends the session
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${server.url}/servers`);
    await page.waitForURL(/\/sign-in\?next=%2Fservers/);
    expect(browser.problems).toEqual([]);
  }, 90_000);

  it("shows a friendly page, not a stack trace, for unknown pages and another organization's server", async () => {
    const { page } = browser;
    const res = await page.goto(`${server.url}/no/such/page`);
    expect(res?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await shoot(page, "15-not-found");

    await signUp(page, newEmail());
    await page.waitForURL(/\/onboarding/);
    // a server id that is not this user's (another org's, or none): 404 from the API, a message here
    await page.goto(`${server.url}/servers/detail?id=6f1c1f43-8a1c-4f55-9b4c-1e0c7f6f9a10`);
    await page.getByText("Server not found").waitFor();
    expect(await page.content()).not.toMatch(/at \w+ \(|TypeError|ReferenceError/);
    await shoot(page, "16-server-not-found");

    // a notification's /incidents/<id> link is forwarded to the detail route
    await page.goto(`${server.url}/incidents/6f1c1f43-8a1c-4f55-9b4c-1e0c7f6f9a10`);
    await page.waitForURL(/\/incidents\/detail\?id=6f1c1f43/);
    await page.getByText("Incident not found").waitFor();
  }, 60_000);
});

describe("invitations and roles", () => {
  let owner: Browser;
  let invitee: Browser;
  beforeAll(async () => {
    owner = await openBrowser();
    invitee = await openBrowser({ width: 390, height: 844, mobile: true });
  });
  afterAll(async () => {
    await owner?.close();
    await invitee?.close();
  });

  it("an invited viewer joins through the link, sees the organization and cannot create keys", async () => {
    await signUp(owner.page, newEmail());
    await owner.page.waitForURL(/\/onboarding/);
    await owner.page.goto(`${server.url}/settings/members`);
    const viewerEmail = newEmail();
    await owner.page.getByLabel("Email").fill(viewerEmail);
    await owner.page.getByLabel("Role").selectOption("viewer");
    await owner.page.getByRole("button", { name: "Invite" }).click();
    // this server has no SMTP: the dashboard says so and gives the link to share by hand
    await owner.page.getByText("No email was sent: this server has no email configured.").waitFor();
    const link =
      (
        await owner.page.locator("figure", { hasText: "Invitation link" }).locator("code").textContent()
      )?.trim() ?? "";
    expect(link).toMatch(/\/invite#token=/);
    await shoot(owner.page, "17-settings-invitation");

    // the invitee has no account yet: the link lands on sign-up (not "Welcome back") and comes
    // back to the invitation
    const { page } = invitee;
    await page.goto(link.replace(/^https?:\/\/[^/]+/, server.url));
    await page.waitForURL(/\/sign-up\?next=/);
    await page.getByRole("heading", { name: "Create your account to accept your invitation" }).waitFor();
    await page.getByLabel("Email").fill(viewerEmail);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/invite#token=/);
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.getByText(/You joined .* as viewer/).waitFor();
    await shoot(page, "18-phone-invitation-accepted");
    await page.getByRole("button", { name: /^Open / }).click();
    await page.waitForURL(/\/servers/);
    await page.getByRole("combobox", { name: "Organization" }).waitFor();
    expect(await page.getByRole("combobox", { name: "Organization" }).inputValue()).not.toBe("");

    // a viewer is told, not offered a button that would fail
    await page.goto(`${server.url}/settings/api-keys`);
    await page.getByText(/You are a viewer of this organization/).waitFor();
    expect(await page.getByRole("button", { name: "Create key" }).count()).toBe(0);
    await page.goto(`${server.url}/onboarding`);
    await page.getByText("Viewers cannot create keys.", { exact: false }).waitFor();
    await shoot(page, "19-phone-viewer-onboarding");
    expect(owner.problems).toEqual([]);
    expect(invitee.problems).toEqual([]);
  }, 90_000);
});

describe("with a real custos-agent", () => {
  let browser: Browser;
  let phone: Browser;
  let agent: ChildProcess | undefined;
  let agentOut = "";
  let agentDir: string;
  // a webhook receiver on loopback: where the alert rule pages
  let sink: Server;
  let sinkUrl: string;
  const hooks: Array<{ event?: string; title?: string }> = [];

  beforeAll(async () => {
    browser = await openBrowser();
    phone = await openBrowser({ width: 390, height: 844, mobile: true });
    agentDir = mkdtempSync(join(tmpdir(), "custos-e2e-agent-"));
    sink = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => {
        body += d.toString();
      });
      req.on("end", () => {
        try {
          hooks.push(JSON.parse(body) as { event?: string });
        } catch {
          hooks.push({});
        }
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
    sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    sink?.close();
    agent?.kill("SIGKILL");
    await browser?.close();
    await phone?.close();
    rmSync(agentDir, { recursive: true, force: true });
    if (agentOut) {
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(join(ARTIFACTS, "agent.log"), agentOut);
    }
  });

  function startAgent(key: string) {
    const config = join(agentDir, "agent.yaml");
    writeFileSync(
      config,
      [
        `api_key: ${key}`,
        `url: ${server.url}`,
        "server_name: e2e-box",
        "heartbeat_interval: 2s",
        "metrics_push_interval: 1s",
        "monitors:",
        "  - type: system",
        "    check_interval: 2s",
        "buffer:",
        `  path: ${join(agentDir, "state.db")}`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    agent = spawn(process.execPath, [AGENT_MAIN, "run", "--config", config], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    agent.stdout?.on("data", (d: Buffer) => {
      agentOut += d.toString();
    });
    agent.stderr?.on("data", (d: Buffer) => {
      agentOut += d.toString();
    });
  }

  it("sign up -> key -> agent -> the server appears with live charts -> agent stops -> incident -> acknowledge", async () => {
    const { page } = browser;
    const email = newEmail();
    await signUp(page, email);
    await page.waitForURL(/\/onboarding/);
    await page.getByRole("button", { name: "Create API key" }).click();
    const key =
      (await page.locator("figure", { hasText: "API key" }).locator("code").textContent())?.trim() ?? "";
    expect(key).toMatch(/^cus_/);

    startAgent(key);
    // onboarding turns into the server when its first heartbeat arrives
    await page.getByText("e2e-box is connected").waitFor({ timeout: 30_000 });
    await shoot(page, "20-onboarding-connected");

    await page.getByRole("link", { name: "Servers", exact: true }).first().click();
    await page.getByRole("link", { name: "e2e-box" }).first().waitFor();
    await shoot(page, "21-servers-overview");

    await page.getByRole("link", { name: "e2e-box" }).first().click();
    await page.waitForURL(/\/servers\/detail\?id=/);
    const detailUrl = page.url();
    await page.getByRole("heading", { name: /e2e-box/ }).waitFor();
    // live charts: the rollups (every 30 s) make the first minute's points; the page refetches
    await waitFor(
      async () => (await page.locator("figure .recharts-area-curve").count()) >= 3,
      150_000,
      "chart lines of the agent's metrics",
    );
    await page.getByText("system", { exact: true }).first().waitFor();
    await shoot(page, "22-server-detail-live-charts");
    for (const range of ["24 h", "7 d", "30 d"]) {
      await page.getByRole("button", { name: range, exact: true }).click();
      await page.waitForFunction(
        (label) => document.querySelector(`button[aria-pressed="true"]`)?.textContent === label,
        range,
      );
    }
    await page.getByRole("button", { name: "1 h", exact: true }).click();

    // the same on a phone
    await phone.page.goto(`${server.url}/sign-in`);
    await phone.page.getByLabel("Email").fill(email);
    await phone.page.getByLabel("Password").fill(PASSWORD);
    await phone.page.getByRole("button", { name: "Sign in" }).click();
    await phone.page.getByRole("link", { name: "e2e-box" }).first().waitFor();
    await shoot(phone.page, "23-phone-servers-overview");
    await phone.page.goto(detailUrl);
    await phone.page.getByRole("heading", { name: /e2e-box/ }).waitFor();
    await shoot(phone.page, "24-phone-server-detail");

    // a webhook channel (tested from the page) and an alert rule that pages it
    await page.goto(`${server.url}/settings/channels`);
    await page.getByRole("button", { name: "Add channel" }).click();
    await page.getByLabel("Kind").selectOption("webhook");
    await page.getByLabel("Name").fill("ops hook");
    await page.getByLabel("URL").fill(sinkUrl);
    await page.getByLabel("Signing secret").fill("a-signing-secret-of-32-characters");
    await page.getByRole("button", { name: "Add channel" }).click();
    await page.getByRole("button", { name: "Send test to ops hook" }).waitFor();
    await page.getByRole("button", { name: "Send test to ops hook" }).click();
    await page.getByText(/Test delivered in \d+ ms/).waitFor();
    expect(hooks.length).toBe(1);
    await shoot(page, "28-settings-channel-tested");
    await page.goto(`${server.url}/settings/alerts`);
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByLabel("Name").fill("Page the team");
    await page.getByLabel("ops hook (webhook)").check();
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByText(/Warning and worse → ops hook/).waitFor();
    await shoot(page, "29-settings-alert-rule");

    // a public status page with the agent's system monitor, seen without signing in
    await page.goto(`${server.url}/settings/status-pages`);
    await page.getByRole("button", { name: "New status page" }).click();
    await page.getByLabel("Title").fill("E2E Lab Status");
    await page.getByLabel("Monitors of a server").selectOption({ label: "e2e-box" });
    await page.getByLabel("system (system)").check();
    await page.getByRole("button", { name: "Create page" }).click();
    await page.getByText("Published").waitFor();
    await shoot(page, "30-settings-status-page");
    const visitor = await openBrowser({ width: 390, height: 844, mobile: true });
    try {
      await visitor.page.goto(`${server.url}/status?slug=e2e-lab-status`);
      await visitor.page.getByRole("heading", { name: "E2E Lab Status" }).waitFor();
      await visitor.page.getByText("system").first().waitFor();
      await visitor.page.getByRole("img", { name: /system, last 90 days/ }).waitFor();
      await shoot(visitor.page, "31-public-status-page");
    } finally {
      await visitor.close();
    }
    await page.goto(detailUrl);
    await page.getByRole("heading", { name: /e2e-box/ }).waitFor();

    // a short heartbeat timeout, set in the server's settings form, so silence is noticed quickly
    await page.getByLabel("Heartbeat timeout (seconds)").fill("10");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved.").waitFor();

    // stop the agent: the backend's sweep turns the silence into an incident, and the open
    // Incidents page shows it by itself (it refetches every 15 s). No reloads: reloading in a
    // loop checked the list before its data had arrived, every time, on one loaded core.
    agent?.kill("SIGTERM");
    await page.goto(`${server.url}/incidents`);
    await page.getByRole("heading", { name: "Incidents" }).waitFor();
    await page
      .getByRole("link", { name: /e2e-box/ })
      .first()
      .waitFor({ timeout: 120_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await sweepDiagnosis("e2e-box")}`);
      });
    await shoot(page, "25-incidents-open");

    await page
      .getByRole("listitem")
      .getByRole("button", { name: /^Acknowledge/ })
      .first()
      .click();
    await page.getByText(`acknowledged by ${email}`).first().waitFor();
    await shoot(page, "26-incidents-acknowledged");

    // the detail's timeline says who acknowledged it
    await page.locator('a[href^="/incidents/detail?id="]').first().click();
    await page.getByText(`Acknowledged by ${email}`).waitFor();
    await page.getByText("Incident opened").waitFor();
    // notified where: the webhook, delivered
    await page.getByText("Notified ops hook (webhook): down alert").waitFor({ timeout: 30_000 });
    expect(hooks.length).toBeGreaterThanOrEqual(2);
    await shoot(page, "27-incident-detail-timeline");
    expect(browser.problems).toEqual([]);
  }, 360_000);
});

/**
 * Why no incident came, for a timed-out wait: the server's row, the sweep's bookkeeping and the
 * server's last log lines (a starved scheduler and a sweep that keeps granting grace look alike
 * from the browser).
 */
async function sweepDiagnosis(serverName: string): Promise<string> {
  const sql = postgres(server.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`
      select now() as now, s.status, s.last_heartbeat_at, s.heartbeat_timeout_seconds,
             (select json_agg(j) from private.job_runs j) as job_runs,
             (select json_agg(i) from public.incidents i where i.server_id = s.id) as incidents
      from public.servers s where s.name = ${serverName}`;
    const log = server.output().trim().split("\n").slice(-30).join("\n");
    return `database: ${JSON.stringify(rows, null, 1)}\nserver log (last 30 lines):\n${log}`;
  } finally {
    await sql.end();
  }
}

/** A new user signed up in the browser, their organization, and an agent key made through the API. */
async function signUpWithAgentKey(page: Browser["page"], keyName: string) {
  await signUp(page, newEmail());
  await page.waitForURL(/\/onboarding/);
  const token = await accessToken(page);
  const me = await apiAs<{ orgs: { id: string }[] }>(token, "/me");
  const orgId = me.orgs[0]?.id ?? "";
  const { key } = await apiAs<{ key: string }>(token, `/orgs/${orgId}/api-keys`, {
    method: "POST",
    body: JSON.stringify({ name: keyName, scope: "agent" }),
  });
  return { token, orgId, key };
}

describe("application metrics on the server page", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(() => browser?.close());

  it("draws a chart per custom metric under the built-in charts, 24 at a time, with a filter", async () => {
    const { page } = browser;
    const { token, orgId, key } = await signUpWithAgentKey(page, "apps");
    const agentApi = (path: string, body: unknown) => agentCall(key, path, body);
    const register = async (name: string) => {
      const { server_id } = await agentApi("register", {
        hostname: `${name}.lan`,
        server_name: name,
        agent_version: "0.1.0",
        os: "linux",
        arch: "x64",
      });
      await agentApi("heartbeat", { server_id, sent_at: new Date().toISOString() });
      return server_id;
    };
    const appBox = await register("app-box");
    const quiet = await register("quiet-box");

    // five minutes of what an application sends through the agent (queue depth per queue, jobs,
    // errors per code) and 27 more metrics of a worker pool, next to the agent's cpu.percent
    const now = Date.now();
    const samples: { ts: string; name: string; value: number; labels?: Record<string, string> }[] = [];
    for (let k = 0; k < 20; k++) {
      const ts = new Date(now - (19 - k) * 15_000).toISOString();
      samples.push({ ts, name: "cpu.percent", value: 20 + (k % 5) });
      samples.push({ ts, name: "queue_depth", labels: { queue: "emails" }, value: 10 + k });
      samples.push({ ts, name: "queue_depth", labels: { queue: "sms" }, value: 30 - k });
      samples.push({ ts, name: "jobs_done", value: k * 12 });
      samples.push({ ts, name: "myapp.errors", labels: { code: "500" }, value: k % 3 });
      for (let w = 0; w < 27; w++) samples.push({ ts, name: `worker.pool_${w}`, value: w + k });
    }
    await agentApi("metrics", { server_id: appBox, batch_id: crypto.randomUUID(), samples });
    await agentApi("metrics", {
      server_id: quiet,
      batch_id: crypto.randomUUID(),
      samples: [{ ts: new Date(now - 5_000).toISOString(), name: "cpu.percent", value: 3 }],
    });
    // the rollup job (every 30 s) makes the 1-minute points the 1-hour charts read
    await waitFor(
      async () => {
        const res = await apiAs<{ series: { points: unknown[] }[] }>(
          token,
          `/orgs/${orgId}/servers/${appBox}/metrics?names=queue_depth,worker.pool_26&range=1h`,
        );
        return res.series.length === 3 && res.series.every((s) => s.points.length > 0);
      },
      90_000,
      "the application metrics in the 1-minute rollup",
    );

    const metricRequests: string[][] = [];
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (url.pathname.endsWith(`/servers/${appBox}/metrics`)) {
        metricRequests.push((url.searchParams.get("names") ?? "").split(","));
      }
    });
    await page.goto(`${server.url}/servers/detail?id=${appBox}`);
    const section = page.locator("section", {
      has: page.getByRole("heading", { name: "Application & other metrics" }),
    });
    const chartTitle = (name: string) => section.getByRole("heading", { name, exact: true, level: 3 });
    // a chart titled with the metric's name, one line per label set
    await chartTitle("queue_depth").waitFor();
    const queueCard = chartTitle("queue_depth").locator("xpath=../..");
    await waitFor(
      async () => (await queueCard.locator(".recharts-area-curve").count()) === 2,
      20_000,
      "the two queue_depth lines",
    );
    expect(await queueCard.textContent()).toContain("queue=emails");
    await chartTitle("myapp.errors").waitFor();
    // the built-in charts above keep theirs; the section lists only what they do not draw
    expect(await chartTitle("cpu.percent").count()).toBe(0);
    await page.getByRole("heading", { name: "CPU", exact: true }).waitFor();
    // 30 custom metrics in natural order (pool_2 before pool_10): 24 charts, then the rest on request
    expect(await section.getByRole("heading", { level: 3 }).count()).toBe(24);
    await chartTitle("worker.pool_20").waitFor();
    expect(await chartTitle("worker.pool_21").count()).toBe(0);
    await shoot(page, "32-server-detail-app-metrics");
    await section.getByRole("button", { name: "Show 6 more" }).click();
    await chartTitle("worker.pool_26").waitFor();
    expect(await section.getByRole("heading", { level: 3 }).count()).toBe(30);
    await section.getByText("30 of 30 metrics").waitFor();
    // no request asked for more names than the endpoint takes
    expect(metricRequests.length).toBeGreaterThanOrEqual(3);
    expect(metricRequests.every((names) => names.length <= 20)).toBe(true);

    await section.getByLabel("Filter metrics by name").fill("myapp");
    await waitFor(
      async () => (await section.getByRole("heading", { level: 3 }).count()) === 1,
      10_000,
      "only myapp.errors after filtering",
    );
    await chartTitle("myapp.errors").waitFor();
    await section.getByLabel("Filter metrics by name").fill("no-such-metric");
    await section.getByText("No metric matches").waitFor();

    // the range selector of the built-in charts applies here too
    await section.getByLabel("Filter metrics by name").fill("queue");
    await waitFor(
      async () => (await section.getByRole("heading", { level: 3 }).count()) === 1,
      10_000,
      "only queue_depth after filtering",
    );
    const dayAnswer = page.waitForResponse(
      (r) => r.url().includes("range=24h") && r.url().includes("names=queue_depth"),
    );
    await page.getByRole("button", { name: "24 h" }).click();
    expect((await dayAnswer).status()).toBe(200);
    await waitFor(
      async () =>
        !(await queueCard.getAttribute("class"))?.includes("opacity-60") &&
        (await queueCard.locator(".recharts-area-curve").count()) === 2,
      20_000,
      "queue_depth on the 24-hour range",
    );
    await shoot(page, "33-server-detail-app-metrics-filtered-24h");

    // a server with only the agent's built-in metrics says how applications can send theirs
    await page.goto(`${server.url}/servers/detail?id=${quiet}`);
    await page.getByText("No application metrics yet").waitFor();
    await shoot(page, "34-server-detail-no-app-metrics");
    expect(browser.problems).toEqual([]);
  }, 180_000);
});

describe("servers overview with 1,000 servers", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(() => browser?.close());

  it("loads the whole fleet in one request, renders only the rows on screen, and filters them all", async () => {
    const { page } = browser;
    const { token, orgId, key } = await signUpWithAgentKey(page, "fleet");

    // 1,000 servers, each with a heartbeat and its CPU/memory/disk numbers
    const agentApi = (path: string, body: unknown) => agentCall(key, path, body);
    const ids: string[] = [];
    const now = Date.now();
    for (let batch = 0; batch < 1000; batch += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const n = batch + i;
          const name = `node-${String(n).padStart(4, "0")}`;
          const { server_id } = await agentApi("register", {
            hostname: `${name}.fleet.lan`,
            server_name: name,
            agent_version: "0.1.0",
            os: "linux",
            arch: "x64",
            machine_id: `machine-${String(n).padStart(8, "0")}`,
          });
          ids[n] = server_id;
          if (n % 10 !== 0) await agentApi("heartbeat", { server_id, sent_at: new Date().toISOString() });
          // two hours of 5-minute samples: numbers now and a trend for the sparklines
          const samples = Array.from({ length: 24 }, (_, k) => {
            const ts = now - (23 - k) * 300_000;
            return [
              { ts, name: "cpu.percent", value: (n * 7 + k * 13) % 100 },
              { ts, name: "memory.used_percent", value: 30 + ((n + k) % 50) },
              { ts, name: "disk.used_percent", labels: { mount: "/" }, value: 20 + (n % 75) },
              { ts, name: "net.rx_bytes_per_s", labels: { iface: "eth0" }, value: 1000 * (n + 1) },
              { ts, name: "net.tx_bytes_per_s", labels: { iface: "eth0" }, value: 500 * (n + 1) },
              {
                ts,
                name: "sensors.temperature_c",
                labels: { chip: "coretemp", sensor: "Package" },
                value: 40 + (n % 30),
              },
            ];
          }).flat();
          await agentApi("metrics", { server_id, batch_id: crypto.randomUUID(), samples });
        }),
      );
    }

    // the rollup job (every 30 s) turns the samples into each server's vitals
    await waitFor(
      async () => {
        const overview = await apiAs<{ servers: { cpu_percent: number | null }[] }>(
          token,
          `/orgs/${orgId}/servers`,
        );
        return overview.servers.filter((s) => s.cpu_percent !== null).length >= 900;
      },
      120_000,
      "the fleet's vitals from the rollups",
    );

    const serverRequests: string[] = [];
    page.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith("/functions/v1/api/v1/orgs/") && path.includes("/servers"))
        serverRequests.push(path);
    });
    const overviewPath = `/functions/v1/api/v1/orgs/${orgId}/servers`;
    const overviewAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === overviewPath);
    await page.goto(`${server.url}/servers`);
    await page.getByRole("list", { name: "Servers" }).waitFor();
    // the whole fleet's answer travels compressed (compress.ts): a fraction of its JSON
    const answer = await overviewAnswer;
    expect(answer.headers()["content-encoding"]).toBe("br");
    const { responseBodySize } = await answer.request().sizes();
    const decoded = (await answer.body()).length;
    expect(decoded).toBeGreaterThan(300_000);
    expect(responseBodySize).toBeLessThan(decoded / 4);
    const lcp = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          new PerformanceObserver((list) => {
            const entries = list.getEntries();
            resolve(entries[entries.length - 1]?.startTime ?? -1);
          }).observe({ type: "largest-contentful-paint", buffered: true });
        }),
    );
    const rowsReady = await page.evaluate(() => performance.now());
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(
      join(ARTIFACTS, "overview-1000.json"),
      `${JSON.stringify({ servers: 1000, lcp_ms: Math.round(lcp), rows_rendered_by_ms: Math.round(rowsReady) }, null, 2)}\n`,
    );
    await shoot(page, "40-servers-overview-1000", { fullPage: false });

    // one request for the whole fleet, no request per row
    expect(serverRequests.length).toBeGreaterThanOrEqual(1);
    expect(new Set(serverRequests)).toEqual(new Set([overviewPath]));
    // the counts cover everyone; only the rows on screen are in the DOM
    await page.getByRole("button", { name: /^All 1000/ }).waitFor();
    const rendered = await page.getByRole("list", { name: "Servers" }).getByRole("listitem").count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);
    // search reaches rows far below the fold
    await page.getByLabel("Search servers by name or hostname").fill("node-0987");
    await page.getByRole("link", { name: "node-0987", exact: true }).waitFor();
    expect(await page.getByRole("list", { name: "Servers" }).getByRole("listitem").count()).toBe(1);
    // at a glance on a desktop: network in/out, the hottest sensor and the agent's version
    const row = page.getByRole("list", { name: "Servers" }).getByRole("listitem").first();
    await waitFor(
      async () => ((await row.textContent()) ?? "").includes("↓ 988 KB/s"),
      60_000,
      "node-0987's network rates in its row",
    );
    const rowText = (await row.textContent()) ?? "";
    expect(rowText).toContain("↑ 494 KB/s");
    expect(rowText).toContain("67 °C");
    expect(rowText).toContain("agent 0.1.0");
    await shoot(page, "40b-servers-overview-at-a-glance", { fullPage: false });
    // scrolling renders the rows that come into view
    await page.getByLabel("Search servers by name or hostname").fill("");
    await page.getByRole("button", { name: /^Up / }).click();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await waitFor(
      async () => (await page.getByRole("link", { name: /node-09\d\d/ }).count()) > 0,
      10_000,
      "rows near the end after scrolling",
    );
    await shoot(page, "41-servers-overview-1000-scrolled", { fullPage: false });
    expect(browser.problems).toEqual([]);
  }, 240_000);
});
