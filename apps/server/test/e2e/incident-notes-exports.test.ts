/**
 * Incident notes, the outage export and editing a channel in place, in Chromium against a real
 * custos-server, on a desktop and a phone viewport. Screenshots land in
 * test-artifacts/dashboard/incident-notes-*.png, incidents-export-*.png and channel-edit-*.png.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot } from "./browser.ts";
import { agent, api, download, fitsWidth, signIn, signUpByApi, signUpInBrowser } from "./session.ts";

const SIGNING_SECRET = "e2e-signing-secret-0123456789";
let server: CustosServerHandle;
let sql: postgres.Sql;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
}, 180_000);
afterAll(async () => {
  await sql?.end();
  await server?.close();
});

describe("incident notes, exports and channel editing in Chromium", () => {
  let desktop: Browser;
  let phone: Browser;
  let email: string;
  let incidentId: string;

  beforeAll(async () => {
    desktop = await openBrowser();
    phone = await openBrowser({ width: 390, height: 844, mobile: true });
  });
  afterAll(async () => {
    await desktop?.close();
    await phone?.close();
  });

  it("adds a note to an incident, downloads the day's outages as CSV, and edits a channel in place", async () => {
    // someone owns the instance already, so the browser's sign-up is an ordinary one
    await signUpByApi(server);
    const { page } = desktop;
    email = `notes${Date.now()}@example.com`;
    const { token, orgId } = await signUpInBrowser(server, page, email);

    // two outages at midday UTC on 2026-01-10 (that local day in any zone within ±11 h), one of
    // them with a cause a spreadsheet would run as a formula
    const [internet] = await sql<{ id: string }[]>`
      insert into public.incidents (org_id, subject_key, kind, title, cause, started_at, opened_at, resolved_at, status)
      values (${orgId}, 'e2e:internet', 'probe', 'Internet down', '=HYPERLINK("http://x")',
              '2026-01-10T12:00:00Z', '2026-01-10T12:00:30Z', '2026-01-10T12:10:05Z', 'resolved')
      returning id`;
    incidentId = internet?.id as string;
    await sql`
      insert into public.incidents (org_id, subject_key, kind, title, started_at, opened_at, resolved_at, status)
      values (${orgId}, 'e2e:router', 'probe', 'Router rebooted, "again"',
              '2026-01-10T12:30:00Z', '2026-01-10T12:30:00Z', '2026-01-10T12:31:00Z', 'resolved')`;

    // the note, from the list to the incident's timeline
    await page.goto(`${server.url}/incidents`);
    await page.getByRole("button", { name: "All", exact: true }).click();
    await page.getByRole("link", { name: "Internet down" }).click();
    await page.waitForURL(/\/incidents\/detail\?id=/);
    // times to the second
    const started = page.locator("dl > div", { hasText: "Started" }).locator("dd");
    expect(await started.textContent()).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    const note = "Modem lost sync; ISP ticket #4711.\n<b>not bold</b>";
    await page.getByLabel("Add a note").fill(note);
    await page.getByRole("button", { name: "Add note" }).click();
    const timeline = page.locator("ol");
    await timeline.getByText(`Note by ${email}`).waitFor();
    // shown as written: the tag is text, not markup
    await timeline.getByText("<b>not bold</b>", { exact: false }).waitFor();
    expect(await timeline.locator("b").count()).toBe(0);
    expect(await page.getByLabel("Add a note").inputValue()).toBe("");
    const detail = await api<{ timeline: { type: string; text?: string }[] }>(
      server,
      token,
      `/orgs/${orgId}/incidents/${incidentId}`,
    );
    expect(detail.timeline.filter((e) => e.type === "note").map((e) => e.text)).toEqual([note]);
    await shoot(page, "incident-notes-desktop");

    // the outage log of that day, as the seed asks: start, end, duration, what, cause
    await page.goto(`${server.url}/incidents`);
    await page.getByLabel("Export from").fill("2026-01-10");
    await page.getByLabel("Export length").selectOption({ label: "1 day" });
    const csv = await download(page, page.getByRole("button", { name: "CSV of incidents" }));
    expect(csv.name).toMatch(/^incidents-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv$/);
    const lines = csv.text.split("\r\n");
    expect(lines[0]).toBe(
      "started_at,ended_at,duration_seconds,status,severity,kind,server,monitor,title,cause,opened_at,acknowledged_at,acknowledged_by,resolved_by,id",
    );
    expect(lines.slice(1, -1).map((l) => l.split(",").slice(0, 4).join(","))).toEqual([
      "2026-01-10T12:00:00.000Z,2026-01-10T12:10:05.000Z,605,resolved",
      "2026-01-10T12:30:00.000Z,2026-01-10T12:31:00.000Z,60,resolved",
    ]);
    expect(lines[1]).toContain(`Internet down,"'=HYPERLINK(""http://x"")"`);
    expect(lines[2]).toContain(`"Router rebooted, ""again"""`);
    await shoot(page, "incidents-export-desktop");

    // a server's check history from its page
    const { key } = await api<{ key: string }>(server, token, `/orgs/${orgId}/api-keys`, {
      method: "POST",
      body: JSON.stringify({ name: "gw", scope: "agent" }),
    });
    const { server_id } = await agent<{ server_id: string }>(server, key, "register", {
      hostname: "gw-1.lan",
      server_name: "gw-1",
      agent_version: "0.1.0",
      os: "linux",
      arch: "x64",
    });
    await agent(server, key, "heartbeat", { server_id, sent_at: new Date().toISOString() });
    await agent(server, key, "checks", {
      server_id,
      batch_id: crypto.randomUUID(),
      results: [
        {
          monitor: "ping:isp",
          status: "ok",
          latency_ms: 12,
          ts: new Date(Date.now() - 60_000).toISOString(),
        },
        { monitor: "ping:isp", status: "down", message: "100% packet loss", ts: new Date().toISOString() },
      ],
    });
    await page.goto(`${server.url}/servers/detail?id=${server_id}`);
    const checks = await download(
      page,
      page.getByRole("button", { name: "CSV of check history of the last 7 days" }),
    );
    expect(checks.name).toMatch(new RegExp(`^checks-${server_id}-.*\\.csv$`));
    expect(
      checks.text
        .split("\r\n")
        .slice(1, -1)
        .map((l) => l.split(",").slice(1, 5).join(",")),
    ).toEqual(["ping:isp,ok,12,", "ping:isp,down,,100% packet loss"]);
    await shoot(page, "server-check-history-export-desktop", { fullPage: false });

    // a channel edited in place: same channel, new name and URL, the secret kept
    const channel = await api<{ id: string }>(server, token, `/orgs/${orgId}/channels`, {
      method: "POST",
      body: JSON.stringify({
        name: "ops hook",
        kind: "webhook",
        config: { url: "http://127.0.0.1:9/old" },
        secret: { signing_secret: SIGNING_SECRET },
      }),
    });
    await page.goto(`${server.url}/settings/channels`);
    await page.getByRole("button", { name: "Edit ops hook" }).click();
    const url = page.getByLabel("URL", { exact: true });
    expect(await url.inputValue()).toBe("http://127.0.0.1:9/old");
    const secretField = page.getByLabel("Signing secret");
    expect(await secretField.inputValue()).toBe("");
    await page.getByLabel("Name").fill("ops pager");
    await url.fill("http://127.0.0.1:9/new");
    await shoot(page, "channel-edit-desktop");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("http://127.0.0.1:9/new").waitFor();
    await page.getByRole("button", { name: "Edit ops pager" }).waitFor();
    expect(await page.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    const channels = await api<{ channels: { id: string; name: string; secret_fields: string[] }[] }>(
      server,
      token,
      `/orgs/${orgId}/channels`,
    );
    expect(channels.channels).toHaveLength(1);
    expect(channels.channels[0]).toMatchObject({ id: channel.id, name: "ops pager" });
    expect(channels.channels[0]?.secret_fields).toContain("signing_secret");
    const [stored] = await sql`select secret from public.channel_secrets where channel_id = ${channel.id}`;
    expect(stored?.secret).toMatchObject({ signing_secret: SIGNING_SECRET });
    expect(await page.content()).not.toContain(SIGNING_SECRET);
    await shoot(page, "channel-edit-saved-desktop");
    expect(desktop.problems).toEqual([]);
  }, 240_000);

  it("fits the timeline, the export controls and the channel editor on a phone", async () => {
    const { page } = phone;
    await signIn(server, page, email);
    await page.goto(`${server.url}/incidents/detail?id=${incidentId}`);
    await page.getByText("Modem lost sync; ISP ticket #4711.", { exact: false }).waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await shoot(page, "incident-notes-phone");
    await page.goto(`${server.url}/incidents`);
    await page.getByLabel("Export from").waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await shoot(page, "incidents-export-phone");
    await page.goto(`${server.url}/settings/channels`);
    await page.getByRole("button", { name: "Edit ops pager" }).click();
    await page.getByRole("button", { name: "Save changes" }).waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await shoot(page, "channel-edit-phone");
    expect(phone.problems).toEqual([]);
  }, 120_000);
});
