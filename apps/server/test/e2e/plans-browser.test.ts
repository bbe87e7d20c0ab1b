/**
 * Plans in the dashboard (issue 16), in Chromium against a real custos-server: after a downgrade
 * Settings > Plan shows usage against the limits with "Over the limit", nothing stored is lost,
 * the API keys page warns that a new server's agent will be refused (and a registration is, with
 * 402), and the invite and probe forms show the plan's refusal in its own words. On a phone too.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot } from "./browser.ts";
import { api, fitsWidth, registerMachine, signIn, signUpInBrowser } from "./session.ts";

let server: CustosServerHandle;
let browser: Browser;
let phone: Browser;
let sql: postgres.Sql;
const email = `plans${Date.now()}@example.com`;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
  sql = postgres(server.databaseUrl, { max: 1, onnotice: () => undefined });
  browser = await openBrowser();
  phone = await openBrowser({ width: 390, height: 844, mobile: true });
}, 300_000);
afterAll(async () => {
  await phone?.close();
  await browser?.close();
  await sql?.end({ timeout: 5 });
  await server?.close();
});

describe("plans in the dashboard", () => {
  it("shows a downgrade's over-limit usage, keeps everything, and shows the plan's refusals in the forms", async () => {
    const { page } = browser;
    const { token, orgId } = await signUpInBrowser(server, page, email);
    const { key } = await api<{ key: string }>(server, token, `/orgs/${orgId}/api-keys`, {
      method: "POST",
      body: JSON.stringify({ name: "fleet", scope: "agent" }),
    });
    expect(await registerMachine(server, key, "web-1")).toBe(200);
    expect(await registerMachine(server, key, "web-2")).toBe(200);
    // the operator moves the organization to Free (1 server, 2 members, 3 probes)
    await sql`update public.organizations set plan_id = 'free' where id = ${orgId}`;

    await page.goto(`${server.url}/settings/plan`);
    await page.getByRole("heading", { name: "Free plan" }).waitFor();
    const serversRow = page.getByRole("row", { name: /Servers/ });
    expect(await serversRow.getByRole("cell").nth(1).textContent()).toBe("2 of 1");
    expect(await serversRow.getByText("Over the limit").count()).toBe(1);
    expect(
      await page.getByRole("status").filter({ hasText: "Over the limit: servers" }).textContent(),
    ).toContain("nothing was deleted");
    expect(await page.getByText("Other channel kinds are not in this plan.").count()).toBe(1);
    expect(await page.getByText("7 days").count()).toBeGreaterThan(0);
    await shoot(page, "plan-settings-plan-over-limit");

    // both servers are still listed and a new machine is refused with the plan's words
    const servers = await api<{ servers: { name: string }[] }>(server, token, `/orgs/${orgId}/servers`);
    expect(servers.servers.map((s) => s.name).sort()).toEqual(["web-1", "web-2"]);
    expect(await registerMachine(server, key, "web-3")).toBe(402);
    expect(await registerMachine(server, key, "web-1")).toBe(200);
    await page.goto(`${server.url}/settings/api-keys`);
    const note = page.getByTestId("server-room-note");
    await note.waitFor();
    expect(await note.textContent()).toContain(
      "The Free plan allows 1 server and this organization has 2: a new server's agent will be refused",
    );
    await shoot(page, "plan-settings-api-keys-plan-full");

    // members: the owner and one invitation fill Free's 2; the next invitation is refused in the form
    await page.goto(`${server.url}/settings/members`);
    await page.getByLabel("Email").fill("second@example.com");
    await page.getByRole("button", { name: "Invite" }).click();
    await page.locator("figure", { hasText: "Invitation link" }).waitFor();
    await page.getByLabel("Email").fill("third@example.com");
    await page.getByRole("button", { name: "Invite" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "Free plan" });
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      "the Free plan allows 2 members and this organization has 2 (1 member and 1 pending invitation): remove a member, revoke an invitation or change the plan",
    );
    await shoot(page, "plan-settings-members-plan-refused");

    // probes: Free allows 3; the 4th from the form is refused with the plan's message
    for (const name of ["a", "b", "c"]) {
      await api(server, token, `/orgs/${orgId}/probes`, {
        method: "POST",
        body: JSON.stringify({ name, config: { kind: "http", url: "https://example.com" } }),
      });
    }
    await page.goto(`${server.url}/settings/probes`);
    await page.getByRole("button", { name: "Add probe" }).click();
    await page.getByLabel("Name").fill("fourth");
    await page.getByLabel("URL").fill("https://example.org");
    await page.getByRole("button", { name: "Add probe" }).last().click();
    const probeRefusal = page.getByRole("alert").filter({ hasText: "Free plan" });
    await probeRefusal.waitFor();
    expect(await probeRefusal.textContent()).toBe(
      "the Free plan allows 3 backend probes and this organization has 3: remove a probe or change the plan",
    );
    await shoot(page, "plan-settings-probes-plan-refused");
    expect(browser.problems).toEqual([]);
  }, 120_000);

  it("shows the plan on a phone without sideways scrolling", async () => {
    const { page } = phone;
    await signIn(server, page, email);
    await page.goto(`${server.url}/settings/plan`);
    await page.getByRole("heading", { name: "Free plan" }).waitFor();
    await page.getByText("Over the limit: servers").waitFor();
    expect(await fitsWidth(page)).toBe(true);
    // the state column is on screen, not behind a sideways scroll
    const badge = page.getByRole("row", { name: /Servers/ }).getByText("Over the limit");
    const box = await badge.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await shoot(page, "plan-phone-settings-plan");
    expect(phone.problems).toEqual([]);
  });
});
