/**
 * Settings → Configuration in Chromium (issue 15, decision 0037): an admin sets an org-wide CPU
 * threshold from its preset and a tag's entry; a server carrying the tag shows the merged result
 * on its page with the scope of each item; an invalid value is refused naming the field while
 * the form keeps what was typed; a viewer on a phone reads the same entries without controls.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot, waitFor } from "./browser.ts";
import { apiCall, registerMachine, signUpInBrowser } from "./session.ts";

let server: CustosServerHandle;
let sql: postgres.Sql;
let desktop: Browser;
let phone: Browser;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { HOST: "127.0.0.1" } });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
  desktop = await openBrowser();
  phone = await openBrowser({ width: 390, height: 844, mobile: true });
}, 300_000);
afterAll(async () => {
  await desktop?.close();
  await phone?.close();
  await sql?.end();
  await server?.close();
});

describe("Settings → Configuration in Chromium", () => {
  it("an admin sets an org-wide CPU preset and a tag's entry; the tagged server shows them merged; a viewer reads them", async () => {
    const stamp = Date.now();
    const { token, orgId } = await signUpInBrowser(
      server,
      desktop.page,
      `central-settings${stamp}@example.com`,
    );
    expect(await registerMachine(server, await server.createKey(orgId, "agent"), "web-1")).toBeLessThan(300);
    const serverId = await waitFor(
      async () => (await sql<{ id: string }[]>`select id from servers where org_id = ${orgId}`)[0]?.id,
      30_000,
      "registration",
    );
    expect(
      (await apiCall(server, token, "PUT", `/orgs/${orgId}/servers/${serverId}/tags`, { tags: ["web"] }))
        .status,
    ).toBe(200);

    const { page } = desktop;
    await page.goto(`${server.url}/settings/configuration`);
    const org = page.getByRole("form", { name: "Organization defaults" });
    await org.getByText("No thresholds.").waitFor();

    // the CPU preset, with its bounds changed from the preset's
    await org.getByRole("button", { name: "CPU", exact: true }).click();
    const cpu = org.getByRole("group", { name: "Threshold 1" });
    expect(await cpu.getByLabel("Metric").inputValue()).toBe("cpu.percent");
    await cpu.getByText("Values in percent (0–100).").waitFor();
    await cpu.getByLabel("Critical above").fill("97");

    // an invalid value: warn above critical. Refused naming the field, at the input; the form keeps it
    await cpu.getByLabel("Warn above").fill("99");
    await org.getByRole("button", { name: "Save configuration" }).click();
    await org.getByText(/Not saved: thresholds\.0\.warn_above: /).waitFor();
    await cpu.getByText(/warn_above \(99\) must not be above crit_above \(97\)/).waitFor();
    expect(await cpu.getByLabel("Warn above").getAttribute("aria-invalid")).toBe("true");
    expect(await cpu.getByLabel("Warn above").inputValue()).toBe("99");
    expect(await cpu.getByLabel("Critical above").inputValue()).toBe("97");
    expect(await cpu.getByLabel("For").inputValue()).toBe("5m");
    await shoot(page, "51-settings-configuration-invalid");
    expect((await apiCall(server, token, "GET", `/orgs/${orgId}/monitor-config`)).body.entries).toEqual([]);

    await cpu.getByLabel("Warn above").fill("85");
    await org.getByRole("button", { name: "Save configuration" }).click();
    await org.getByText("Saved.").waitFor();

    // the tag's entry: its server is listed; a memory preset and a threshold of its own on the CPU
    const tag = page.getByRole("region", { name: "Tag web" });
    await tag.getByRole("link", { name: "web-1" }).waitFor();
    const tagForm = tag.getByRole("form", { name: "Tag web" });
    await tagForm.getByRole("button", { name: "Memory", exact: true }).click();
    await tagForm.getByRole("button", { name: "Disk /", exact: true }).click();
    await tagForm.getByRole("group", { name: "Threshold 2" }).getByLabel("Critical above").fill("92");
    await tagForm.getByRole("button", { name: "Save configuration" }).click();
    await tagForm.getByText("Saved.").waitFor();
    await shoot(page, "52-settings-configuration-saved");

    const entries = (await apiCall(server, token, "GET", `/orgs/${orgId}/monitor-config`)).body
      .entries as any[];
    expect(entries.find((e) => e.scope === "org").thresholds).toEqual([
      { metric: "cpu.percent", warn_above: 85, crit_above: 97, for: "5m" },
    ]);
    expect(entries.find((e) => e.scope === "tag").thresholds).toEqual([
      { metric: "memory.used_percent", warn_above: 85, crit_above: 95, for: "5m" },
      { metric: "disk.used_percent", labels: { mount: "/" }, name: "disk:/", warn_above: 80, crit_above: 92 },
    ]);

    // the server carrying the tag: the merged configuration, each item with its scope
    await page.goto(`${server.url}/servers/detail?id=${serverId}`);
    const effective = page.getByRole("list", { name: "Central thresholds" });
    await effective.waitFor({ timeout: 30_000 });
    const cpuItem = effective.getByRole("listitem").filter({ hasText: "cpu.percent" });
    await cpuItem.getByText("warn above 85, crit above 97, for 5m").waitFor();
    await cpuItem.getByText("from organization").waitFor();
    await effective
      .getByRole("listitem")
      .filter({ hasText: "memory.used_percent" })
      .getByText("from tag web")
      .waitFor();
    await effective.getByRole("listitem").filter({ hasText: "disk:/" }).getByText("from tag web").waitFor();
    await shoot(page, "53-server-central-configuration-merged");

    // a viewer (on a phone) reads the same entries, without anything to change them
    const { token: viewerToken, userId: viewerId } = await signUpInBrowser(
      server,
      phone.page,
      `central-viewer${stamp}@example.com`,
    );
    await sql`insert into memberships (org_id, user_id, role) values (${orgId}, ${viewerId}, 'viewer')`;
    await phone.page.evaluate((id) => window.localStorage.setItem("custos.org", id), orgId);
    await phone.page.goto(`${server.url}/settings/configuration`);
    await phone.page.getByText(/You are a viewer of this organization/).waitFor({ timeout: 30_000 });
    const viewerOrg = phone.page.getByRole("form", { name: "Organization defaults" });
    expect(
      await viewerOrg.getByRole("group", { name: "Threshold 1" }).getByLabel("Metric").inputValue(),
    ).toBe("cpu.percent");
    expect(await viewerOrg.getByLabel("Critical above").getAttribute("readonly")).not.toBeNull();
    const viewerTag = phone.page.getByRole("form", { name: "Tag web" });
    await viewerTag.getByRole("group", { name: "Threshold 2" }).waitFor();
    expect(await phone.page.getByRole("button", { name: "Save configuration" }).count()).toBe(0);
    expect(await phone.page.getByRole("button", { name: "CPU", exact: true }).count()).toBe(0);
    expect(await phone.page.getByRole("button", { name: /^Remove threshold/ }).count()).toBe(0);
    await shoot(phone.page, "54-phone-settings-configuration-viewer");
    // and the API agrees: a viewer's write is refused
    expect(
      (await apiCall(server, viewerToken, "PUT", `/orgs/${orgId}/monitor-config`, { scope: "org" })).status,
    ).toBe(403);

    expect(desktop.problems).toEqual([]);
    expect(phone.problems).toEqual([]);
  }, 240_000);
});
