/**
 * The first hour of a self-hosted Custos in Chromium, against a real custos-server with the
 * default CUSTOS_SIGNUPS: a fresh instance opens on creating the first account, a stranger is
 * then told sign-up needs an invitation, an admin's reset link sets a new password, and no page
 * asks for an icon that is not there.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot } from "./browser.ts";
import { PASSWORD, signUpByApi } from "./session.ts";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

let server: CustosServerHandle;
let browser: Browser;
/** Every answer the page got with 400 or more, e.g. a missing /favicon.ico. */
const failed: string[] = [];
beforeAll(async () => {
  ensureDashboardBuilt();
  // "" is read as unset: the server runs with its default policy (invite-only)
  server = await startCustosServer({
    adminUrl: inject("pgAdminUrl"),
    env: { CUSTOS_SIGNUPS: "", CUSTOS_SCHEDULER: "off" },
  });
  browser = await openBrowser();
  browser.page.on("response", (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("a fresh instance in Chromium", () => {
  it("opens on creating the first account, not on signing in", async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByRole("heading", { name: "Create the first account" }).waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe("/sign-up");
    expect(await page.getByText("Welcome back").count()).toBe(0);
    expect(await page.getByRole("link", { name: "Sign in" }).count()).toBe(0);
    await shoot(page, "first-account");

    await page.getByLabel("Email").fill("owner@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/onboarding"), { timeout: 20_000 });
  });

  it("asks for the icons it links to and finds them all", async () => {
    const { page } = browser;
    // the sign-up above ends on a navigation: read the head of the page it lands on, once loaded
    // (on a loaded machine the list was read while the next document was not there yet)
    await page.waitForLoadState("load");
    await page.locator('link[rel~="icon"]').first().waitFor({ state: "attached", timeout: 20_000 });
    const icons = await page.$$eval('link[rel~="icon"], link[rel="apple-touch-icon"]', (links) =>
      links.map((l) => (l as HTMLLinkElement).href),
    );
    expect(icons.some((href) => new URL(href).pathname === "/favicon.ico")).toBe(true);
    for (const href of icons) {
      const res = await page.request.get(href);
      expect(res.status(), href).toBe(200);
    }
    expect(failed.filter((f) => /favicon|icon/.test(f))).toEqual([]);
  });

  it("tells a stranger that sign-up needs an invitation once the instance has its owner", async () => {
    const stranger = await openBrowser();
    try {
      const { page } = stranger;
      await page.goto(`${server.url}/sign-in`);
      await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 20_000 });
      await page.goto(`${server.url}/sign-up`);
      await page.getByText("Sign-up here is by invitation").waitFor({ timeout: 20_000 });
      await page.getByLabel("Email").fill("stranger@example.com");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Create account" }).click();
      const alert = page.locator("form [role=alert]");
      await alert.waitFor({ timeout: 20_000 });
      expect(await alert.textContent()).toContain("CUSTOS_SIGNUPS=invite-only");
      await shoot(page, "sign-up-invite-only");
    } finally {
      await stranger.close();
    }
  });

  it("sets a new password from the link admin reset-password prints, and signs in with it", async () => {
    const { stdout } = await run(
      process.execPath,
      [CLI, "admin", "reset-password", "--email", "owner@example.com"],
      {
        env: { ...process.env, DATABASE_URL: server.databaseUrl, CUSTOS_PUBLIC_URL: server.url },
      },
    );
    const link = stdout.trim();
    expect(link).toMatch(new RegExp(`^${server.url}/reset-password#token=`));

    const resetter = await openBrowser();
    try {
      const { page } = resetter;
      await page.goto(link);
      await page.getByRole("heading", { name: "Set a new password" }).waitFor({ timeout: 20_000 });
      // the secret does not stay in the address bar
      expect(page.url()).not.toContain("token=");
      await page.getByLabel("New password").fill("a brand new password");
      await page.getByRole("button", { name: "Set password" }).click();
      await page.waitForURL(
        (url) => url.pathname.startsWith("/servers") || url.pathname.startsWith("/onboarding"),
        {
          timeout: 20_000,
        },
      );

      // the link worked once
      await page.goto(link);
      await page.getByLabel("New password").fill("another new password");
      await page.getByRole("button", { name: "Set password" }).click();
      const alert = page.locator("form [role=alert]");
      await alert.waitFor({ timeout: 20_000 });
      expect(await alert.textContent()).toMatch(/expired or was already used/);
    } finally {
      await resetter.close();
    }

    const signIn = await fetch(`${server.url}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@example.com", password: "a brand new password" }),
    });
    expect(signIn.status).toBe(200);
  });

  it("serves /favicon.ico as an icon", async () => {
    const res = await fetch(`${server.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/x-icon");
    const bytes = new Uint8Array(await res.arrayBuffer());
    // ICO header: reserved 0, type 1 (icon)
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(browser.problems).toEqual([]);
  });
});

describe("an instance with CUSTOS_SIGNUPS=closed in Chromium", () => {
  it("says sign-ups are closed instead of offering a form, and sign-in offers no sign-up link", async () => {
    const closed = await startCustosServer({
      adminUrl: inject("pgAdminUrl"),
      env: { CUSTOS_SIGNUPS: "closed", CUSTOS_SCHEDULER: "off" },
    });
    const visitor = await openBrowser();
    try {
      const owner = await signUpByApi(closed, "owner@example.com");
      expect(owner.status).toBe(200);
      const { page } = visitor;
      await page.goto(`${closed.url}/sign-up`);
      await page.getByRole("heading", { name: "Sign-ups are closed" }).waitFor({ timeout: 20_000 });
      expect(await page.getByText("CUSTOS_SIGNUPS=closed").count()).toBeGreaterThan(0);
      expect(await page.getByLabel("Password").count()).toBe(0);
      await shoot(page, "sign-up-closed");
      await page.goto(`${closed.url}/sign-in`);
      await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 20_000 });
      expect(await page.getByRole("link", { name: "Create one" }).count()).toBe(0);
      expect(visitor.problems).toEqual([]);
    } finally {
      await visitor.close();
      await closed.close();
    }
  });
});
