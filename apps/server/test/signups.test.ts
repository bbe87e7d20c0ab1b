/**
 * CUSTOS_SIGNUPS on a real custos-server process (decision 0017): the first account of an
 * instance can always sign up; after it, `invite-only` (the default) admits emails with a pending
 * invitation, `closed` nobody, `open` anyone. GET /auth/v1/settings tells the dashboard which.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const PASSWORD = "correct horse battery";

async function signUp(server: CustosServerHandle, email: string, password = PASSWORD) {
  const res = await fetch(`${server.url}/auth/v1/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-supabase-api-version": "2024-01-01" },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function settings(server: CustosServerHandle) {
  const res = await fetch(`${server.url}/auth/v1/settings`);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return (await res.json()) as any;
}

async function api(server: CustosServerHandle, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/functions/v1/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const started: CustosServerHandle[] = [];
async function serverWith(signups: string | undefined) {
  // "" is read as unset, so the server falls back to its default
  const server = await startCustosServer({
    adminUrl: inject("pgAdminUrl"),
    env: { CUSTOS_SIGNUPS: signups ?? "", CUSTOS_SCHEDULER: "off" },
  });
  started.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

describe("the default policy (invite-only)", () => {
  let server: CustosServerHandle;
  beforeAll(async () => {
    server = await serverWith(undefined);
  });

  it("says a fresh instance has no users, so the dashboard opens on creating the first account", async () => {
    expect(await settings(server)).toMatchObject({
      disable_signup: false,
      external: { email: true },
      custos: { signups: "invite-only", has_users: false },
    });
  });

  it("lets the first account sign up, then refuses a stranger with signup_disabled naming the setting", async () => {
    const owner = await signUp(server, "owner@example.com");
    expect(owner.status).toBe(200);
    expect(owner.body.user.email).toBe("owner@example.com");
    expect((await settings(server)).custos).toEqual({ signups: "invite-only", has_users: true });

    const stranger = await signUp(server, "stranger@example.com");
    expect(stranger.status).toBe(422);
    expect(stranger.body.code).toBe("signup_disabled");
    expect(stranger.body.field).toBe("email");
    expect(stranger.body.message).toContain("CUSTOS_SIGNUPS=invite-only");
    // the refused sign-up left no account behind
    const again = await signUp(server, "stranger@example.com");
    expect(again.body.code).toBe("signup_disabled");
  });

  it("lets an invited email sign up (any letter case) and join the organization that invited it", async () => {
    const owner = await fetch(`${server.url}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@example.com", password: PASSWORD }),
    }).then((r) => r.json() as Promise<any>);
    const me = await api(server, owner.access_token, "GET", "/me");
    const orgId = me.body.orgs[0].id as string;
    const invited = await api(server, owner.access_token, "POST", `/orgs/${orgId}/invitations`, {
      email: "Invitee@Example.com",
      role: "member",
    });
    expect(invited.status).toBe(201);

    const invitee = await signUp(server, "invitee@example.com");
    expect(invitee.status).toBe(200);
    const accepted = await api(server, invitee.body.access_token, "POST", "/invitations/accept", {
      token: invited.body.token,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.org.id).toBe(orgId);
  });

  it("refuses an email whose invitation was revoked", async () => {
    const owner = await fetch(`${server.url}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@example.com", password: PASSWORD }),
    }).then((r) => r.json() as Promise<any>);
    const orgId = (await api(server, owner.access_token, "GET", "/me")).body.orgs[0].id as string;
    const invited = await api(server, owner.access_token, "POST", `/orgs/${orgId}/invitations`, {
      email: "revoked@example.com",
    });
    const revoked = await api(
      server,
      owner.access_token,
      "DELETE",
      `/orgs/${orgId}/invitations/${invited.body.invitation.id}`,
    );
    expect(revoked.status).toBe(200);
    expect((await signUp(server, "revoked@example.com")).body.code).toBe("signup_disabled");
  });
});

describe("closed", () => {
  let server: CustosServerHandle;
  beforeAll(async () => {
    server = await serverWith("closed");
  });

  it("admits exactly one of two people racing to create the first account", async () => {
    expect((await settings(server)).disable_signup).toBe(false);
    const results = await Promise.all([signUp(server, "a@example.com"), signUp(server, "b@example.com")]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(results.find((r) => r.status === 422)?.body.message).toContain("CUSTOS_SIGNUPS=closed");
  });

  it("refuses every later sign-up and tells the dashboard sign-up is disabled", async () => {
    const late = await signUp(server, "late@example.com");
    expect(late.status).toBe(422);
    expect(late.body).toMatchObject({ code: "signup_disabled", field: "email" });
    expect(await settings(server)).toMatchObject({
      disable_signup: true,
      custos: { signups: "closed", has_users: true },
    });
  });

  it("answers clients without the 2024 API version in GoTrue's original error shape", async () => {
    const res = await fetch(`${server.url}/auth/v1/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "old@example.com", password: PASSWORD }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 422, error_code: "signup_disabled" });
  });
});

describe("open", () => {
  it("lets anyone sign up, as before the setting existed", async () => {
    const server = await serverWith("open");
    expect((await signUp(server, "one@example.com")).status).toBe(200);
    expect((await signUp(server, "two@example.com")).status).toBe(200);
    expect(await settings(server)).toMatchObject({
      disable_signup: false,
      custos: { signups: "open", has_users: true },
    });
  });
});

describe("CUSTOS_SIGNUPS values", () => {
  for (const value of ["maybe", "OPEN", "invite_only", "1; drop table auth.users"]) {
    it(`stops start-up with exit 3 naming the variable for ${JSON.stringify(value)}`, async () => {
      const failed = await run(process.execPath, [CLI, "start"], {
        env: { ...process.env, CUSTOS_SIGNUPS: value, PORT: "0" },
        timeout: 20_000,
      }).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failed?.code).toBe(3);
      expect(failed?.stderr).toMatch(/CUSTOS_SIGNUPS: .*open.*invite-only.*closed/);
    });
  }
});
