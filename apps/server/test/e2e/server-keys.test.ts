/**
 * A server's own key from Settings > API keys in Chromium: created with "One server", used by a
 * real registration over HTTP, refused for a second machine, listed with the server using it, and
 * the revoke confirmation naming the server it will stop.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot } from "./browser.ts";
import { registerMachine, submitSignUp } from "./session.ts";

let server: CustosServerHandle;
let browser: Browser;

beforeAll(async () => {
  ensureDashboardBuilt();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
  browser = await openBrowser();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("a server's own key in the dashboard", () => {
  it("is created with 'One server', used by one machine only, and its revoke warns which server stops", async () => {
    const { page } = browser;
    await submitSignUp(server, page, `keys${Date.now()}@example.com`);
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-up"));

    await page.goto(`${server.url}/settings/api-keys`);
    await page.getByLabel("Name").fill("db-1 only");
    await page.getByRole("combobox", { name: "Servers", exact: true }).selectOption("one");
    await page.getByRole("button", { name: "Create key" }).click();
    const shown = page.locator("figure", { hasText: "API key" }).locator("code");
    await shown.waitFor();
    const key = (await shown.textContent()) ?? "";
    expect(key).toMatch(/^cus_/);

    expect(await registerMachine(server, key, "db-1")).toBe(200);
    expect(await registerMachine(server, key, "db-2")).toBe(403);

    await page.reload();
    const row = page.getByRole("row", { name: /db-1 only/ });
    await row.getByText("one server's own key").waitFor();
    expect(await row.getByRole("cell").nth(3).textContent()).toBe("db-1");
    await row.getByRole("button", { name: /Revoke/ }).click();
    const warning = row.getByRole("alert");
    await warning.waitFor();
    expect(await warning.textContent()).toBe("1 server uses this key (db-1): it stops sending data.");
    await shoot(page, "40-settings-api-keys-own-key-revoke");
  });
});
