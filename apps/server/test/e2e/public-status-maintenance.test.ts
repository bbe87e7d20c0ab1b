/**
 * The public status page with maintenance (issue 17, decision 0048) in Chromium, against a real
 * custos-server, seen without signing in on a desktop and a phone: the window scheduled on a
 * published server is listed at the top in UTC, the day of a past window is hatched and says how
 * long, downtime inside that window leaves the uptime at 100 %, and an unpublished server's
 * window and every window's reason stay off the page; a window's public title heads it. Then a
 * member schedules a window going on now through the settings form, with a public title, and while
 * the covered monitor is down the page says "Under maintenance" on the banner and its badge
 * instead of an outage. The past (an outage three days ago, the subjects' first-seen times) and a
 * monitor's current status are written with SQL: days of history cannot be waited for.
 * Screenshots land in test-artifacts/dashboard/public-status-{maintenance,under-maintenance}-*.png.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot } from "./browser.ts";
import { agent, api, fitsWidth, signUpByApi, signUpInBrowser } from "./session.ts";

let server: CustosServerHandle;
beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
}, 300_000);
afterAll(() => server?.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("public status page with maintenance in Chromium", () => {
  let owner: Browser;
  let monitor: string;
  let desktop: Browser;
  let phone: Browser;

  beforeAll(async () => {
    owner = await openBrowser();
    desktop = await openBrowser();
    phone = await openBrowser({ width: 390, height: 844, mobile: true });
  });
  afterAll(async () => {
    await owner?.close();
    await desktop?.close();
    await phone?.close();
  });

  it("lists the scheduled window, hatches the day of a past one without counting its downtime, and shows nothing unpublished", async () => {
    // someone owns the instance already, so the browser's sign-up is an ordinary one
    await signUpByApi(server);
    const { token, orgId } = await signUpInBrowser(server, owner.page, `status${Date.now()}@example.com`);
    const { key } = await api<{ key: string }>(server, token, `/orgs/${orgId}/api-keys`, {
      method: "POST",
      body: JSON.stringify({ name: "shop", scope: "agent" }),
    });
    const register = async (name: string) => {
      const { server_id } = await agent<{ server_id: string }>(server, key, "register", {
        hostname: `${name}.lan`,
        server_name: name,
        agent_version: "0.1.0",
        os: "linux",
        arch: "x64",
      });
      await agent(server, key, "heartbeat", { server_id, sent_at: new Date().toISOString() });
      return server_id;
    };
    const shop = await register("shop-1");
    const hidden = await register("private-box");
    await agent(server, key, "checks", {
      server_id: shop,
      batch_id: crypto.randomUUID(),
      results: [{ monitor: "http:shop", type: "http", status: "ok", ts: new Date().toISOString() }],
    });
    const detail = await api<{ monitors: { id: string; name: string }[] }>(
      server,
      token,
      `/orgs/${orgId}/servers/${shop}`,
    );
    monitor = detail.monitors.find((m) => m.name === "http:shop")?.id as string;

    // three days ago, 10:00-11:00 UTC: the monitor's window, and an outage inside it
    const today = Math.floor(Date.now() / DAY) * DAY;
    const past = today - 3 * DAY + 10 * HOUR;
    const sql = postgres(server.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await sql`update public.monitors set created_at = now() - interval '5 days' where id = ${monitor}`;
      await sql`update public.servers set created_at = now() - interval '5 days' where id = ${shop}`;
      await sql`
        insert into public.incidents (org_id, server_id, monitor_id, subject_key, kind, severity, status, title,
                                      started_at, opened_at, resolved_at)
        values (${orgId}, ${shop}, ${monitor}, ${`monitor:${monitor}`}, 'agent_check', 'critical', 'resolved',
                'shop down', ${new Date(past + 15 * 60_000)}, ${new Date(past + 15 * 60_000)},
                ${new Date(past + 45 * 60_000)})`;
    } finally {
      await sql.end();
    }
    const schedule = (body: Record<string, unknown>) =>
      api(server, token, `/orgs/${orgId}/maintenance-windows`, {
        method: "POST",
        body: JSON.stringify(body),
      });
    await schedule({
      monitor_id: monitor,
      starts_at: new Date(past).toISOString(),
      ends_at: new Date(past + HOUR).toISOString(),
      reason: "swap the shop's disk",
    });
    // tomorrow 02:00-04:00 UTC on the published server: covers the server and its monitor
    await schedule({
      server_id: shop,
      starts_at: new Date(today + DAY + 2 * HOUR).toISOString(),
      ends_at: new Date(today + DAY + 4 * HOUR).toISOString(),
      reason: "kernel upgrade, ticket OPS-42",
      public_title: "Kernel upgrade",
    });
    // going on now on a server the page does not publish
    await schedule({
      server_id: hidden,
      starts_at: new Date(Date.now() - HOUR).toISOString(),
      ends_at: new Date(Date.now() + HOUR).toISOString(),
      reason: "rebuild the raid",
    });
    await api(server, token, `/orgs/${orgId}/status-pages`, {
      method: "POST",
      body: JSON.stringify({
        slug: "shop-status",
        title: "Shop status",
        monitor_ids: [monitor],
        server_ids: [shop],
      }),
    });

    // a visitor, not signed in
    const { page } = desktop;
    await page.goto(`${server.url}/status?slug=shop-status`);
    await page.getByRole("heading", { name: "Shop status" }).waitFor();
    const list = page.getByRole("region", { name: "Scheduled maintenance" });
    await list.waitFor();
    const windows = list.getByRole("listitem");
    expect(await windows.count()).toBe(1);
    // the day's name follows the browser's locale; the times are UTC
    await windows.first().getByRole("heading", { name: "Kernel upgrade" }).waitFor();
    const scheduled = (await windows.first().textContent()) ?? "";
    expect(scheduled).toMatch(/^Kernel upgradeScheduled[^,]+, 02:00 – 04:00 \(UTC\)/);
    expect(scheduled).toMatch(/Affects everything on this page$/);
    const bars = page.getByRole("img", {
      name: "http:shop, last 90 days: 100.00% uptime, 1 day with maintenance",
    });
    await bars.waitFor();
    const marked = bars.locator('[data-state="maintenance"]');
    expect(await marked.count()).toBe(1);
    expect(await marked.getAttribute("title")).toMatch(/: maintenance \(1 h\), 100\.00% uptime$/);
    // hatched, and not a status colour
    expect(await marked.evaluate((el) => getComputedStyle(el).backgroundImage)).toMatch(
      /repeating-linear-gradient/,
    );
    expect(await bars.locator('[data-state="down"]').count()).toBe(0);
    const text = (await page.locator("main").textContent()) ?? "";
    for (const leak of ["private-box", "disk", "OPS-42", "raid", "In progress"])
      expect(text).not.toContain(leak);
    await shoot(page, "public-status-maintenance-desktop");
    expect(desktop.problems).toEqual([]);

    const small = phone.page;
    await small.goto(`${server.url}/status?slug=shop-status`);
    await small.getByRole("region", { name: "Scheduled maintenance" }).waitFor();
    await small.getByRole("img", { name: /1 day with maintenance$/ }).waitFor();
    expect(await fitsWidth(small)).toBe(true);
    await shoot(small, "public-status-maintenance-phone");
    expect(phone.problems).toEqual([]);
  }, 180_000);

  it("says 'Under maintenance' instead of an outage while the covered monitor is down inside a window a member scheduled with a public title", async () => {
    // the member's form: starts now and lasts an hour by default; the title is the public one
    const form = owner.page;
    await form.goto(`${server.url}/settings/maintenance`);
    await form.getByRole("button", { name: "Schedule window" }).click();
    await form.getByLabel("Applies to").selectOption({ label: "shop-1" });
    await form.getByLabel("Reason (optional)").fill("rotate the payment provider's keys");
    await form.getByLabel("Public title (shown on status pages)").fill("Checkout work");
    await form.getByRole("button", { name: "Schedule", exact: true }).click();
    await form.getByText("Public title: Checkout work").waitFor();

    // then edits the public title in place; nothing else about the window changes
    const sql = postgres(server.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const windowOf = () => sql<
        { id: string; starts_at: Date; ends_at: Date; reason: string; server_id: string }[]
      >`
        select id, starts_at, ends_at, reason, server_id from public.maintenance_windows
        where public_title like 'Checkout%'`;
      const [before] = await windowOf();
      const row = form.getByRole("listitem").filter({ hasText: "Public title: Checkout work" });
      await row.getByRole("button", { name: "Edit" }).click();
      const edit = form
        .getByRole("listitem")
        .filter({ has: form.getByRole("button", { name: "Save window" }) });
      expect(await edit.getByLabel("Applies to").inputValue()).toBe("shop-1");
      await edit.getByLabel("Public title (shown on status pages)").fill("Checkout upgrade");
      await shoot(form, "maintenance-window-edit");
      await edit.getByRole("button", { name: "Save window" }).click();
      await form.getByText("Public title: Checkout upgrade").waitFor();
      expect(await windowOf()).toEqual([before]);
      const [title] = await sql<{ public_title: string }[]>`
        select public_title from public.maintenance_windows where id = ${before?.id ?? null}`;
      expect(title?.public_title).toBe("Checkout upgrade");
      expect(owner.problems).toEqual([]);

      // what its checks say now
      await sql`update public.monitors set last_status = 'down' where id = ${monitor}`;
    } finally {
      await sql.end();
    }

    // new visitors: the first test's browsers hold the page's answer for its 30-s max-age
    const visitor = await openBrowser();
    const visitorPhone = await openBrowser({ width: 390, height: 844, mobile: true });
    try {
      await seeUnderMaintenance(visitor, visitorPhone);
    } finally {
      await visitor.close();
      await visitorPhone.close();
    }
  }, 180_000);

  async function seeUnderMaintenance(desktopVisitor: Browser, phoneVisitor: Browser) {
    const { page } = desktopVisitor;
    await page.goto(`${server.url}/status?slug=shop-status`);
    await page.getByRole("status").filter({ hasText: "Under maintenance" }).waitFor();
    const list = page.getByRole("region", { name: "Scheduled maintenance" });
    const ongoing = list.getByRole("listitem").first();
    await ongoing.getByRole("heading", { name: "Checkout upgrade" }).waitFor();
    expect(await ongoing.textContent()).toMatch(/^Checkout upgradeIn progress/);
    const shopRow = page.locator("li", { has: page.getByRole("img", { name: /^http:shop, last 90 days/ }) });
    expect(await shopRow.getByText("Under maintenance", { exact: true }).count()).toBe(1);
    const text = (await page.locator("main").textContent()) ?? "";
    for (const absent of ["Outage in progress", "Down", "payment provider", "private-box"])
      expect(text).not.toContain(absent);
    await shoot(page, "public-status-under-maintenance-desktop");
    expect(desktopVisitor.problems).toEqual([]);

    const small = phoneVisitor.page;
    await small.goto(`${server.url}/status?slug=shop-status`);
    await small.getByRole("status").filter({ hasText: "Under maintenance" }).waitFor();
    await small.getByRole("heading", { name: "Checkout upgrade" }).waitFor();
    expect(await fitsWidth(small)).toBe(true);
    await shoot(small, "public-status-under-maintenance-phone");
    expect(phoneVisitor.problems).toEqual([]);
  }
});
