/**
 * `custos-server admin reset-password` end to end: the real CLI against a real custos-server's
 * database, the link spent through /auth/v1 with the real supabase-js (as the dashboard does).
 */
import { fileURLToPath } from "node:url";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import { AuthApiError, createClient } from "@supabase/supabase-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runToEnd } from "./helpers/run.ts";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const OLD = "old password 1";
const NEW = "new password 2";

let server: CustosServerHandle;
let sql: postgres.Sql;
beforeAll(async () => {
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { CUSTOS_SCHEDULER: "off" } });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end();
  await server?.close();
});

function client() {
  return createClient(server.url, "self-hosted-has-no-anon-key", {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

/** Runs `custos-server admin reset-password …` on the server's database; `stdin` is piped in. */
function resetPassword(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  return runToEnd(process.execPath, [CLI, "admin", "reset-password", ...args], {
    env: { ...process.env, DATABASE_URL: server.databaseUrl, PORT: String(server.port), ...options.env },
    stdin: options.stdin ?? "",
  });
}

let seq = 0;
async function newUser() {
  const email = `user-${++seq}-${Date.now().toString(36)}@example.com`;
  const { data, error } = await client().auth.signUp({ email, password: OLD });
  expect(error).toBeNull();
  return { email, session: data.session as NonNullable<typeof data.session> };
}

function tokenOf(link: string): string {
  const token = new URL(link.trim()).hash.replace(/^#token=/, "");
  expect(token).toMatch(/^[\w-]{40,}$/);
  return token;
}

describe("reset-password with a link", () => {
  it("prints a one-time link whose new password signs in, while the old password and old sessions stop working", async () => {
    const { email, session: old } = await newUser();
    const printed = await resetPassword(["--email", email.toUpperCase()]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(
      new RegExp(`^http://localhost:${server.port}/reset-password#token=[\\w-]+\\n$`),
    );
    expect(printed.stderr).toMatch(/valid until .*60 minutes/);
    const token = tokenOf(printed.stdout);
    // only a hash is stored
    const [row] = await sql`select recovery_token from auth.users where email = ${email}`;
    expect(row?.recovery_token).not.toContain(token);

    const resetter = client();
    const verified = await resetter.auth.verifyOtp({ type: "recovery", token_hash: token });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(email);
    const updated = await resetter.auth.updateUser({ password: NEW });
    expect(updated.error).toBeNull();

    expect((await client().auth.signInWithPassword({ email, password: NEW })).error).toBeNull();
    const withOld = await client().auth.signInWithPassword({ email, password: OLD });
    expect(withOld.error?.code).toBe("invalid_credentials");
    const refreshOld = await client().auth.refreshSession({ refresh_token: old.refresh_token });
    expect(refreshOld.error).toBeInstanceOf(AuthApiError);
    expect(refreshOld.error?.code).toBe("refresh_token_not_found");
    // the session that set the password stays signed in
    expect((await resetter.auth.getUser()).data.user?.email).toBe(email);

    const again = await client().auth.verifyOtp({ type: "recovery", token_hash: token });
    expect(again.error?.status).toBe(403);
    expect(again.error?.code).toBe("otp_expired");
  });

  it("refuses a link older than an hour", async () => {
    const { email } = await newUser();
    const token = tokenOf((await resetPassword(["--email", email])).stdout);
    await sql`update auth.users set recovery_sent_at = now() - interval '61 minutes' where email = ${email}`;
    const late = await client().auth.verifyOtp({ type: "recovery", token_hash: token });
    expect(late.error?.code).toBe("otp_expired");
    expect((await client().auth.signInWithPassword({ email, password: OLD })).error).toBeNull();
  });

  it("makes an earlier link useless once a new one is printed", async () => {
    const { email } = await newUser();
    const first = tokenOf((await resetPassword(["--email", email])).stdout);
    const second = tokenOf((await resetPassword(["--email", email])).stdout);
    expect((await client().auth.verifyOtp({ type: "recovery", token_hash: first })).error?.code).toBe(
      "otp_expired",
    );
    expect((await client().auth.verifyOtp({ type: "recovery", token_hash: second })).error).toBeNull();
  });

  it("links to CUSTOS_PUBLIC_URL when it is set", async () => {
    const { email } = await newUser();
    const printed = await resetPassword(["--email", email], {
      env: { CUSTOS_PUBLIC_URL: "https://mon.example.com/" },
    });
    expect(printed.stdout).toMatch(/^https:\/\/mon\.example\.com\/reset-password#token=/);
  });

  it("works while custos-server is stopped", async () => {
    const { email } = await newUser();
    await server.stop();
    let printed: Awaited<ReturnType<typeof resetPassword>>;
    try {
      printed = await resetPassword(["--email", email]);
    } finally {
      await server.start();
    }
    expect(printed.code).toBe(0);
    expect(
      (await client().auth.verifyOtp({ type: "recovery", token_hash: tokenOf(printed.stdout) })).error,
    ).toBeNull();
  });
});

describe("reset-password --password-stdin", () => {
  it("sets the password read from standard input and signs out every session", async () => {
    const { email, session } = await newUser();
    const done = await resetPassword(["--email", email, "--password-stdin"], { stdin: `${NEW}\n` });
    expect(done.code).toBe(0);
    expect(done.stdout).toBe("");
    expect(done.stderr).toContain("1 session(s) signed out");
    expect((await client().auth.signInWithPassword({ email, password: NEW })).error).toBeNull();
    expect((await client().auth.signInWithPassword({ email, password: OLD })).error?.code).toBe(
      "invalid_credentials",
    );
    expect((await client().auth.refreshSession({ refresh_token: session.refresh_token })).error?.code).toBe(
      "refresh_token_not_found",
    );
  });

  it("refuses an empty or too short password on stdin with exit 2 naming --password-stdin, changing nothing", async () => {
    const { email } = await newUser();
    for (const stdin of ["", "\n", "short\n"]) {
      const refused = await resetPassword(["--email", email, "--password-stdin"], { stdin });
      expect(refused.code, JSON.stringify(stdin)).toBe(2);
      expect(refused.stderr).toMatch(/--password-stdin: /);
    }
    expect((await client().auth.signInWithPassword({ email, password: OLD })).error).toBeNull();
  });

  it("has no flag that takes the password itself (argv is visible in ps)", async () => {
    const { email } = await newUser();
    const refused = await resetPassword(["--email", email, "--password", NEW]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/unknown option '--password'/);
  });
});

describe("reset-password input", () => {
  it("answers an unknown email with exit 2 naming --email", async () => {
    const unknown = await resetPassword(["--email", "nobody@example.com"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/--email: no account with the email nobody@example\.com/);
  });

  it("refuses a malformed, hostile or missing email with exit 2 before touching the database", async () => {
    for (const email of [
      "not-an-email",
      "",
      "a@b.c'; drop table auth.users; --",
      `${"x".repeat(300)}@example.com`,
    ]) {
      const refused = await resetPassword(["--email", email]);
      expect(refused.code, email).toBe(2);
      expect(refused.stderr, email).toMatch(/--email: /);
    }
    const missing = await resetPassword([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--email <email>'/);
  });
});

describe("the recovery routes' input", () => {
  async function call(method: string, path: string, body: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${server.url}/auth/v1${path}`, {
      method,
      headers: { "content-type": "application/json", "x-supabase-api-version": "2024-01-01", ...headers },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it("names the offending field of a malformed /verify body", async () => {
    for (const [body, field] of [
      ["{}", "type"],
      [JSON.stringify({ type: "signup", token_hash: "x" }), "type"],
      [JSON.stringify({ type: "recovery" }), "token_hash"],
      [JSON.stringify({ type: "recovery", token_hash: 42 }), "token_hash"],
      [JSON.stringify({ type: "recovery", token_hash: "x".repeat(10_000) }), "token_hash"],
      ["[1]", "body"],
      ["{not json", "body"],
    ] as const) {
      const res = await call("POST", "/verify", body);
      expect(res.status, body.slice(0, 40)).toBe(400);
      expect(res.body.field, body.slice(0, 40)).toBe(field);
    }
    const unknown = await call("POST", "/verify", JSON.stringify({ type: "recovery", token_hash: "nope" }));
    expect(unknown).toMatchObject({ status: 403, body: { code: "otp_expired", field: "token_hash" } });
  });

  it("changes a password only for a signed-in caller, and names a missing or weak password", async () => {
    const { session } = await newUser();
    const auth = { authorization: `Bearer ${session.access_token}` };
    expect((await call("PUT", "/user", JSON.stringify({ password: NEW }))).status).toBe(401);
    expect(
      (await call("PUT", "/user", JSON.stringify({ password: NEW }), { authorization: "Bearer x" })).status,
    ).toBe(403);
    const missing = await call("PUT", "/user", "{}", auth);
    expect(missing).toMatchObject({ status: 400, body: { field: "password" } });
    const weak = await call("PUT", "/user", JSON.stringify({ password: "short" }), auth);
    expect(weak).toMatchObject({ status: 422, body: { code: "weak_password", field: "password" } });
  });
});
