/**
 * The outage log (decision 0044) in Chromium against a real custos-server, on a desktop and a
 * phone viewport: reached from Incidents, internet outages with start, end and duration and
 * reboots with their downtime, the kind filter, the server page's Outages section, and the CSV
 * download. Screenshots land in test-artifacts/dashboard/outage-log-*.png.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot } from "./browser.ts";
import { agent, api, download, fitsWidth, signIn, signUpByApi, signUpInBrowser } from "./session.ts";

let server: CustosServerHandle;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
  // a rebuild of the dashboard takes minutes on a busy 2-core machine
}, 420_000);
afterAll(async () => {
  await server?.close();
});

describe("the outage log in Chromium", () => {
  let desktop: Browser;
  let phone: Browser;
  let email: string;
  let serverId: string;
  // whole seconds, 40 minutes ago: the same local day in the page unless the test runs just after midnight
  const ended = Math.floor((Date.now() - 40 * 60_000) / 1000) * 1000;
  const started = ended - 95_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    desktop = await openBrowser();
    phone = await openBrowser({ width: 390, height: 844, mobile: true });
  });
  afterAll(async () => {
    await desktop?.close();
    await phone?.close();
  });

  it("lists a measured internet outage and a reboot from Incidents, filters them, and downloads the CSV", async () => {
    await signUpByApi(server);
    const { page } = desktop;
    email = `outages${Date.now()}@example.com`;
    const { token, orgId } = await signUpInBrowser(server, page, email);
    const { key } = await api<{ key: string }>(server, token, `/orgs/${orgId}/api-keys`, {
      method: "POST",
      body: JSON.stringify({ name: "nas", scope: "agent" }),
    });
    ({ server_id: serverId } = await agent<{ server_id: string }>(server, key, "register", {
      hostname: "nas.lan",
      server_name: "home-nas",
      agent_version: "0.1.0",
      os: "linux",
      arch: "x64",
    }));
    await agent(server, key, "heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
    // what the agent sends after an outage (decision 0044): its start, its end, and a reboot
    await agent(server, key, "events", {
      server_id: serverId,
      batch_id: crypto.randomUUID(),
      events: [
        {
          id: crypto.randomUUID(),
          kind: "outage_started",
          monitor: "internet",
          occurred_at: iso(started),
          started_at: iso(started),
          message: "internet outage started: no target answers",
          data: { targets: ["1.1.1.1", "8.8.8.8"] },
        },
        {
          id: crypto.randomUUID(),
          kind: "outage_ended",
          monitor: "internet",
          occurred_at: iso(ended),
          started_at: iso(started),
          ended_at: iso(ended),
          duration_ms: 95_000,
          message: "internet outage: 1m 35s",
          data: { targets: ["1.1.1.1", "8.8.8.8"] },
        },
        {
          id: crypto.randomUUID(),
          kind: "reboot",
          monitor: "system",
          occurred_at: iso(ended + 600_000),
          started_at: iso(ended + 530_000),
          ended_at: iso(ended + 600_000),
          duration_ms: 70_000,
          message: "rebooted (the previous boot had been up 3d 4h)",
        },
      ],
    });

    await page.goto(`${server.url}/incidents`);
    await page.getByRole("link", { name: "Outage log" }).click();
    await page.waitForURL(/\/incidents\/outages/);
    const list = page.locator("ul").filter({ hasText: "internet outage: 1m 35s" });
    await list.waitFor();
    const outage = list.locator("li", { hasText: "internet outage: 1m 35s" });
    expect(await outage.getByText("Internet outage", { exact: true }).count()).toBe(1);
    expect(await outage.getByText("home-nas").count()).toBe(1);
    // start, end and duration, to the second
    expect(await outage.locator("dd").allTextContents()).toEqual([
      expect.stringMatching(/\d{1,2}:\d{2}:\d{2}/),
      expect.stringMatching(/\d{1,2}:\d{2}:\d{2}/),
      "1m 35s",
      "1.1.1.1, 8.8.8.8",
    ]);
    expect(await outage.locator("time").first().getAttribute("datetime")).toBe(iso(started));
    await shoot(page, "outage-log-desktop");

    // reboots only: the downtime, from the last sign of life to the boot
    await page.getByRole("button", { name: "Reboots", exact: true }).click();
    const reboot = page.locator("li", { hasText: "rebooted (the previous boot" });
    await reboot.getByText("Downtime").waitFor();
    expect(await reboot.locator("dd").nth(2).textContent()).toBe("1m 10s");
    await page.locator("li", { hasText: "internet outage: 1m 35s" }).waitFor({ state: "detached" });
    await shoot(page, "outage-log-reboots-desktop");

    // the day's outages as a file (seed 000): the page's local day of the outage, internet outages only
    await page.getByRole("button", { name: "Internet outages", exact: true }).click();
    const day = await page.evaluate((ms) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    }, ended);
    await page.getByLabel("Outages from").fill(day);
    const csv = await download(page, page.getByRole("button", { name: "CSV of the outage log" }));
    expect(csv.name).toMatch(/^outages-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv$/);
    const lines = csv.text.split("\r\n");
    expect(lines[0]).toBe(
      "occurred_at,kind,server,monitor,started_at,ended_at,duration_seconds,message,targets,server_id,id",
    );
    expect(lines.slice(1, -1).map((l) => l.split(",").slice(0, 8).join(","))).toEqual([
      `${iso(ended)},outage_ended,home-nas,internet,${iso(started)},${iso(ended)},95,internet outage: 1m 35s`,
    ]);

    // the server page's own outage log
    await page.goto(`${server.url}/servers/detail?id=${serverId}`);
    // the section's card: the nearest box around its heading
    const section = page
      .getByRole("heading", { name: "Outages", exact: true })
      .locator("xpath=ancestor::div[contains(@class, 'rounded-xl')][1]");
    await section.getByText("internet outage: 1m 35s").waitFor();
    await section.getByText("rebooted (the previous boot", { exact: false }).waitFor();
    await section.scrollIntoViewIfNeeded();
    await shoot(page, "outage-log-server-desktop");
    expect(desktop.problems).toEqual([]);
  }, 240_000);

  it("fits the outage log and the server's Outages section on a phone", async () => {
    const { page } = phone;
    await signIn(server, page, email);
    await page.goto(`${server.url}/incidents/outages`);
    await page.getByText("internet outage: 1m 35s").waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await shoot(page, "outage-log-phone");
    await page.goto(`${server.url}/servers/detail?id=${serverId}`);
    await page.getByRole("heading", { name: "Outages", exact: true }).scrollIntoViewIfNeeded();
    await page.getByText("internet outage: 1m 35s").waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await shoot(page, "outage-log-server-phone");
    expect(phone.problems).toEqual([]);
  }, 120_000);
});
