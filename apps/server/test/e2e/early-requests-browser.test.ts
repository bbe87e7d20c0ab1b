/**
 * The dashboard's early requests (apps/web/src/lib/early-requests.ts, decision 0049) in Chromium
 * against a real custos-server: a detail page asks for /v1/me and its own data with the stored
 * session's token before React has rendered, for the organization shown last. These tests hold
 * what must not change with that: no session, no request; a token the API refuses ends on the
 * sign-in page with nothing shown; a remembered organization the user has left still shows the
 * user's own page.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser } from "./browser.ts";
import { api, signUpByApi } from "./session.ts";

let server: CustosServerHandle;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
}, 180_000);
afterAll(async () => {
  await server?.close();
});

interface Account {
  session: Record<string, unknown>;
  token: string;
  orgId: string;
  probeId: string;
}

/** A user with their own organization and one probe, signed up through /auth/v1. */
async function account(name: string): Promise<Account> {
  const res = await signUpByApi(server, `${name}${Date.now()}@example.com`);
  const body = (await res.json()) as { access_token: string; expires_in: number };
  const session = { ...body, expires_at: Math.floor(Date.now() / 1000) + body.expires_in };
  const token = body.access_token;
  const me = await api<{ orgs: { id: string }[] }>(server, token, "/me");
  const orgId = me.orgs[0]?.id as string;
  const { id: probeId } = await api<{ id: string }>(server, token, `/orgs/${orgId}/probes`, {
    method: "POST",
    body: JSON.stringify({
      name: `${name} shop`,
      interval_seconds: 3600,
      config: {
        kind: "http",
        url: "http://127.0.0.1:9/health",
        keyword: "ok",
        degraded_ms: 2000,
        down_ms: 5000,
      },
    }),
  });
  return { session, token, orgId, probeId };
}

/** Puts a session and a remembered organization into the browser's storage before any page script. */
async function seed(browser: Browser, auth: unknown, orgId: string | undefined): Promise<void> {
  await browser.context.addInitScript(
    ({ auth, orgId }) => {
      if (window.localStorage.getItem("custos.seeded")) return;
      window.localStorage.setItem("custos.seeded", "1");
      if (auth !== null) window.localStorage.setItem("custos.auth", JSON.stringify(auth));
      if (orgId) window.localStorage.setItem("custos.org", orgId);
    },
    { auth, orgId },
  );
}

/** Every dashboard API answer the page gets: path and status. */
function apiAnswers(page: Page): { path: string; status: number }[] {
  const seen: { path: string; status: number }[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith("/functions/v1/api/"))
      seen.push({ path: url.pathname.replace("/functions/v1/api/v1", ""), status: response.status() });
  });
  return seen;
}

describe("a detail page's early requests in Chromium", () => {
  let owner: Account;
  let other: Account;
  let browser: Browser | undefined;

  beforeAll(async () => {
    owner = await account("early-owner");
    other = await account("early-other");
  }, 60_000);
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it("sends a signed-out visitor to sign-in without asking the API for anything", async () => {
    browser = await openBrowser();
    await seed(browser, null, owner.orgId);
    const answers = apiAnswers(browser.page);
    await browser.page.goto(`${server.url}/monitors/detail?id=${owner.probeId}`);
    await browser.page.waitForURL(/\/sign-in\?next=%2Fmonitors%2Fdetail/);
    await browser.page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(answers).toEqual([]);
    expect(browser.problems).toEqual([]);
  });

  it("ends on sign-in with nothing shown when the API refuses a forged stored token", async () => {
    browser = await openBrowser();
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    await seed(
      browser,
      { ...owner.session, access_token: "forged.token.value", expires_at: expiresAt },
      owner.orgId,
    );
    const answers = apiAnswers(browser.page);
    await browser.page.goto(`${server.url}/monitors/detail?id=${owner.probeId}`);
    await browser.page.waitForURL(/\/sign-in/);
    await browser.page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status < 400)).toEqual([]);
    expect(await browser.page.getByText("owner shop").count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });

  it("asks for the page's data alongside /v1/me, and still shows the user's page when the remembered organization is not theirs", async () => {
    // remembered: the other user's organization (left it, or a shared browser)
    browser = await openBrowser();
    await seed(browser, owner.session, other.orgId);
    const answers = apiAnswers(browser.page);
    await browser.page.goto(`${server.url}/monitors/detail?id=${owner.probeId}`);
    await browser.page.getByRole("heading", { name: "early-owner shop" }).waitFor();
    // the early request for the remembered organization was refused, the page's own one answered
    expect(answers).toContainEqual({
      path: `/orgs/${other.orgId}/monitors/${owner.probeId}`,
      status: expect.any(Number),
    });
    expect(
      answers.find((a) => a.path === `/orgs/${other.orgId}/monitors/${owner.probeId}`)?.status,
    ).toBeGreaterThanOrEqual(400);
    expect(answers).toContainEqual({ path: `/orgs/${owner.orgId}/monitors/${owner.probeId}`, status: 200 });
    // the organization shown is remembered for the next visit
    expect(await browser.page.evaluate(() => window.localStorage.getItem("custos.org"))).toBe(owner.orgId);

    // next visit: the page's request goes out before /v1/me has answered
    await browser.page.reload();
    await browser.page.getByRole("heading", { name: "early-owner shop" }).waitFor();
    const timing = await browser.page.evaluate((path) => {
      const entries = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const me = entries.find((e) => new URL(e.name).pathname.endsWith("/v1/me"));
      const page = entries.find((e) => new URL(e.name).pathname.endsWith(path));
      return { meEnd: me?.responseEnd ?? Number.NaN, pageStart: page?.startTime ?? Number.NaN };
    }, `/orgs/${owner.orgId}/monitors/${owner.probeId}`);
    expect(timing.pageStart).toBeLessThan(timing.meEnd);
    expect(browser.problems).toEqual([]);
  });

  it("fetches a section's route only when the pointer is over its link, then opens it", async () => {
    browser = await openBrowser();
    await seed(browser, owner.session, owner.orgId);
    const { page } = browser;
    // Next's route data for the Incidents section: /incidents/__next…txt?_rsc=…
    const incidentsRoute: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith("/incidents/__next") && url.searchParams.has("_rsc"))
        incidentsRoute.push(url.pathname);
    });
    await page.goto(`${server.url}/monitors/detail?id=${owner.probeId}`);
    await page.getByRole("heading", { name: "early-owner shop" }).waitFor();
    const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Incidents/ });
    await link.waitFor();
    // the link has been on screen through the whole load and a second of idle after it
    await page.waitForTimeout(1_000);
    expect(incidentsRoute).toEqual([]);
    await link.hover();
    await expect.poll(() => incidentsRoute.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await link.click();
    await page.waitForURL(`${server.url}/incidents`);
    await page.getByRole("heading", { name: "Incidents", level: 1 }).waitFor();
    expect(browser.problems).toEqual([]);
  });
});
