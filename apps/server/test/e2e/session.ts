/**
 * What the browser tests do around the browser (browser.ts holds the browser itself): accounts,
 * sessions, the dashboard's REST API and the agent API of a running custos-server, downloads and
 * the phone-width check. Each takes the server (or anything with its `url`) explicitly.
 */
import { readFileSync } from "node:fs";
import type { CustosServerHandle } from "@custos/testkit";
import type { Page } from "playwright-core";
import { agentPost } from "../helpers/agent-api.ts";

/** The custos-server a helper talks to: a CustosServerHandle, or anything else with its url. */
export type ServerAt = Pick<CustosServerHandle, "url">;

/** The password of every account the browser tests create. */
export const PASSWORD = "correct horse battery staple";

/** A dashboard REST call (/functions/v1/api/v1<path>) with a user's token; its JSON, throwing on a non-2xx. */
export async function api<T>(
  server: ServerAt,
  token: string,
  path: string,
  init: RequestInit = {},
): Promise<T> {
  const res = await fetch(`${server.url}/functions/v1/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
  });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A dashboard REST call with a user's token answering `{status, body}` whatever the status, for refusals. */
export async function apiCall(server: ServerAt, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/functions/v1/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** An agent API call (/functions/v1/api/agent/<path>) with an agent key; its JSON, throwing on a non-2xx. */
export async function agent<T>(server: ServerAt, key: string, path: string, body: unknown): Promise<T> {
  const res = await agentPost(server.url, `/${path}`, key, body);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Registers the machine `name` (its machine id derived from it) with an agent key; the HTTP status. */
export async function registerMachine(server: ServerAt, key: string, name: string): Promise<number> {
  const response = await agentPost(server.url, "/register", key, {
    hostname: name,
    server_name: name,
    agent_version: "1.0.0",
    os: "linux",
    arch: "x64",
    machine_id: `machine-${name}`,
  });
  await response.body?.cancel();
  return response.status;
}

/** Creates an account through /auth/v1/signup, not the browser (the first one owns the instance); the response. */
export function signUpByApi(server: ServerAt, email = `owner${Date.now()}@example.com`): Promise<Response> {
  return fetch(`${server.url}/auth/v1/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
}

/** Fills and submits the sign-up page for `email`, without waiting for where it leads. */
export async function submitSignUp(server: ServerAt, page: Page, email: string): Promise<void> {
  await page.goto(`${server.url}/sign-up`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** The signed-in user's access token, from supabase-js's storage in the page (localStorage custos.auth). */
export async function accessToken(page: Page): Promise<string> {
  const raw = await page.evaluate(() => window.localStorage.getItem("custos.auth"));
  const token = raw ? (JSON.parse(raw) as { access_token?: string }).access_token : undefined;
  if (!token) throw new Error("no session in localStorage");
  return token;
}

/** Signs up in the browser and waits for onboarding; the session's token, the user's id and their org's (/me). */
export async function signUpInBrowser(
  server: ServerAt,
  page: Page,
  email: string,
): Promise<{ token: string; userId: string; orgId: string }> {
  await submitSignUp(server, page, email);
  await page.waitForURL(/\/onboarding/);
  const token = await accessToken(page);
  const me = await api<{ user: { id: string }; orgs: { id: string }[] }>(server, token, "/me");
  const orgId = me.orgs[0]?.id as string;
  // the app remembers the organization it shows once its own /v1/me answers: wait for that, so a
  // test that then picks another organization in storage is not overwritten by it
  await page.waitForFunction((id) => window.localStorage.getItem("custos.org") === id, orgId);
  return { token, userId: me.user.id, orgId };
}

/** Signs in through the sign-in page and waits until the page has left it. */
export async function signIn(server: ServerAt, page: Page, email: string): Promise<void> {
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

/** The page fits the viewport: nothing wider than the screen makes it scroll sideways. */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** Clicks `button` and answers the text of the file the browser downloads, and its name. */
export async function download(page: Page, button: ReturnType<Page["getByRole"]>) {
  const [file] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, "utf8") };
}
