import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asCaller, keyResolver, verifyUserJwt } from "@custos/backend";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import { AuthApiError, AuthWeakPasswordError, createClient } from "@supabase/supabase-js";
import {
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  SignJWT,
} from "jose";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/**
 * A real custos-server process (the CLI users run) driven by the real supabase-js, unchanged:
 * the self-hosted subset of Supabase Auth must be indistinguishable to the dashboard.
 */
let seq = 0;
const email = (name: string) => `${name}-${++seq}-${Date.now().toString(36)}@example.com`;

function client(url: string) {
  return createClient(url, "self-hosted-has-no-anon-key", {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

async function jwksOf(url: string): Promise<JSONWebKeySet> {
  const res = await fetch(`${url}/auth/v1/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as JSONWebKeySet;
}

describe("custos-server's /auth/v1 with supabase-js", () => {
  let server: CustosServerHandle;
  let dataDir: string;
  let sql: postgres.Sql;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "custos-auth-e2e-"));
    server = await startCustosServer({
      adminUrl: inject("pgAdminUrl"),
      env: { CUSTOS_DATA_DIR: dataDir, CUSTOS_SCHEDULER: "off" },
    });
    sql = postgres(server.databaseUrl, { max: 4, onnotice: () => undefined });
  });
  afterAll(async () => {
    await sql?.end();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("signs up, signs in, reads the user and its verified claims, refreshes and signs out", async () => {
    const supabase = client(server.url);
    const address = email("ada");

    const up = await supabase.auth.signUp({
      email: address,
      password: "correct horse",
      options: { data: { name: "Ada" } },
    });
    expect(up.error).toBeNull();
    expect(up.data.session?.access_token).toEqual(expect.any(String));
    expect(up.data.user).toMatchObject({ email: address, user_metadata: { name: "Ada" } });

    const signIn = await supabase.auth.signInWithPassword({ email: address, password: "correct horse" });
    expect(signIn.error).toBeNull();
    const session = signIn.data.session;
    expect(session).toMatchObject({ token_type: "bearer", expires_in: 3600, user: { id: up.data.user?.id } });

    const me = await supabase.auth.getUser();
    expect(me.error).toBeNull();
    expect(me.data.user).toMatchObject({ id: up.data.user?.id, email: address, aud: "authenticated" });

    // getClaims() fetches /auth/v1/.well-known/jwks.json and checks the ES256 signature itself
    const claims = await supabase.auth.getClaims();
    expect(claims.error).toBeNull();
    expect(claims.data?.claims).toMatchObject({
      sub: up.data.user?.id,
      role: "authenticated",
      email: address,
    });
    expect(claims.data?.header).toMatchObject({ alg: "ES256" });

    const refreshed = await supabase.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(session?.refresh_token);
    expect(decodeJwt(refreshed.data.session?.access_token ?? "").session_id).toBe(
      decodeJwt(session?.access_token ?? "").session_id,
    );

    const out = await supabase.auth.signOut();
    expect(out.error).toBeNull();
    expect((await supabase.auth.getSession()).data.session).toBeNull();
    // the signed-out session is gone on the server too
    const after = await client(server.url).auth.getUser(refreshed.data.session?.access_token);
    expect(after.data.user).toBeNull();
    expect(after.error?.name).toBe("AuthSessionMissingError");
    const stale = await client(server.url).auth.refreshSession({
      refresh_token: refreshed.data.session?.refresh_token ?? "",
    });
    expect(stale.error).toMatchObject({ code: "refresh_token_not_found", status: 400 });
  });

  it("surfaces GoTrue's error codes through supabase-js: duplicate email, weak password, wrong password", async () => {
    const supabase = client(server.url);
    const address = email("grace");
    expect((await supabase.auth.signUp({ email: address, password: "correct horse" })).error).toBeNull();

    const dup = await supabase.auth.signUp({ email: address, password: "another horse" });
    expect(dup.error).toBeInstanceOf(AuthApiError);
    expect(dup.error).toMatchObject({
      status: 422,
      code: "user_already_exists",
      message: "User already registered",
    });

    const weak = await supabase.auth.signUp({ email: email("weak"), password: "short" });
    expect(weak.error).toBeInstanceOf(AuthWeakPasswordError);
    expect(weak.error).toMatchObject({ status: 422, code: "weak_password", reasons: ["length"] });

    const wrong = await supabase.auth.signInWithPassword({ email: address, password: "battery staple" });
    expect(wrong.data.session).toBeNull();
    expect(wrong.error).toBeInstanceOf(AuthApiError);
    expect(wrong.error).toMatchObject({
      status: 400,
      code: "invalid_credentials",
      message: "Invalid login credentials",
    });
  });

  it("issues tokens the Hono app verifies against the served JWKS, and RLS then shows the caller only their personal organization", async () => {
    await server.createOrg("Someone else's organization");
    const address = email("rls");
    const supabase = client(server.url);
    const { data, error } = await supabase.auth.signUp({ email: address, password: "correct horse" });
    expect(error).toBeNull();
    const token = data.session?.access_token ?? "";

    const jwks = await jwksOf(server.url);
    const claims = await verifyUserJwt(keyResolver({ jwks }), `Bearer ${token}`);
    expect(claims).toMatchObject({ sub: data.user?.id, role: "authenticated", email: address });
    // the cloud path (a JWKS URL, fetched and cached by jose) accepts it too
    const viaUrl = await verifyUserJwt(
      keyResolver({ jwksUrl: `${server.url}/auth/v1/.well-known/jwks.json` }),
      `Bearer ${token}`,
    );
    expect(viaUrl.sub).toBe(data.user?.id);

    const [total] = await sql`select count(*)::int as n from organizations`;
    expect(total?.n).toBeGreaterThan(1);
    const visible = await asCaller(sql, claims, (tx) => tx`select name from organizations`);
    expect(visible).toEqual([{ name: `${address.split("@")[0]}'s organization` }]);
    const [role] = await asCaller(
      sql,
      claims,
      (tx) => tx`select role from memberships where user_id = auth.uid()`,
    );
    expect(role?.role).toBe("owner");
  });

  it("refuses an expired token signed with the server's own key, and a token signed by another key", async () => {
    const { data } = await client(server.url).auth.signUp({
      email: email("expired"),
      password: "correct horse",
    });
    const token = data.session?.access_token ?? "";
    const claims = decodeJwt(token);
    const jwks = await jwksOf(server.url);
    const keys = keyResolver({ jwks });

    const file = JSON.parse(readFileSync(join(dataDir, "auth-signing-key.json"), "utf8"));
    const serverKey = await importJWK(file.key, "ES256");
    const past = Math.floor(Date.now() / 1000) - 120;
    const expired = await new SignJWT({ ...claims, iat: past - 3600, exp: past })
      .setProtectedHeader({ alg: "ES256", kid: decodeProtectedHeader(token).kid as string })
      .sign(serverKey);
    await expect(verifyUserJwt(keys, `Bearer ${expired}`)).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "token expired",
    });
    const atServer = await client(server.url).auth.getUser(expired);
    expect(atServer.error).toMatchObject({ status: 403, code: "bad_jwt" });

    const { privateKey: otherKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: decodeProtectedHeader(token).kid as string })
      .sign(otherKey);
    await expect(verifyUserJwt(keys, `Bearer ${forged}`)).rejects.toMatchObject({ message: "invalid token" });
    expect((await client(server.url).auth.getUser(forged)).error).toMatchObject({
      status: 403,
      code: "bad_jwt",
    });
    // the genuine token is still fine
    expect((await verifyUserJwt(keys, `Bearer ${token}`)).sub).toBe(claims.sub);
  });

  it("answers oversized and malformed bodies over HTTP with 4xx naming the field", async () => {
    const post = (path: string, body: string) =>
      fetch(`${server.url}/auth/v1${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", apikey: "anything" },
        body,
      });
    const huge = await post(
      "/signup",
      JSON.stringify({ email: "a@example.com", password: "x".repeat(1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ field: "body" });
    const broken = await post("/token?grant_type=password", '{"email": ');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error_code: "bad_json", field: "body" });
    const wrongType = await post(
      "/token?grant_type=password",
      JSON.stringify({ email: ["a"], password: "x" }),
    );
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error_code: "validation_failed", field: "email" });
    // the server is fine afterwards
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("keeps its signing key in the data directory (mode 0600) across restarts; deleting the key signs everyone out", async () => {
    const keyFile = join(dataDir, "auth-signing-key.json");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const { data } = await client(server.url).auth.signUp({
      email: email("restart"),
      password: "correct horse",
    });
    const token = data.session?.access_token ?? "";
    const kid = (await jwksOf(server.url)).keys[0]?.kid;

    expect(await server.stop()).toBe(0);
    await server.start();
    expect((await jwksOf(server.url)).keys[0]?.kid).toBe(kid);
    expect((await client(server.url).auth.getUser(token)).error).toBeNull();
    // a restart keeps sessions: the refresh token still works
    const kept = await client(server.url).auth.refreshSession({
      refresh_token: data.session?.refresh_token ?? "",
    });
    expect(kept.error).toBeNull();

    expect(await server.stop()).toBe(0);
    rmSync(keyFile);
    await server.start();
    expect((await jwksOf(server.url)).keys[0]?.kid).not.toBe(kid);
    expect((await client(server.url).auth.getUser(token)).error).toMatchObject({
      status: 403,
      code: "bad_jwt",
    });
    // and the session is over: its refresh token cannot mint a token under the new key
    const ended = await client(server.url).auth.refreshSession({
      refresh_token: kept.data.session?.refresh_token ?? "",
    });
    expect(ended.error).toMatchObject({ status: 400, code: "refresh_token_not_found" });
    expect(server.output()).toContain("every earlier session was signed out");
  });
});

describe("custos-server's sign-in limits and refresh-token reuse, in one process", () => {
  let server: CustosServerHandle;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "custos-auth-limits-"));
    server = await startCustosServer({
      adminUrl: inject("pgAdminUrl"),
      env: { CUSTOS_DATA_DIR: dataDir, CUSTOS_SCHEDULER: "off", CUSTOS_AUTH_REFRESH_REUSE_SECONDS: "0" },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("revokes the session when a rotated refresh token is presented again", async () => {
    const supabase = client(server.url);
    const { data } = await supabase.auth.signUp({ email: email("reuse"), password: "correct horse" });
    const first = data.session?.refresh_token ?? "";
    const rotated = await supabase.auth.refreshSession();
    expect(rotated.error).toBeNull();

    const replay = await client(server.url).auth.refreshSession({ refresh_token: first });
    expect(replay.error).toMatchObject({ status: 400, code: "refresh_token_already_used" });
    const legit = await client(server.url).auth.refreshSession({
      refresh_token: rotated.data.session?.refresh_token ?? "",
    });
    expect(legit.error).toMatchObject({ status: 400, code: "session_expired" });
    expect((await client(server.url).auth.getUser(rotated.data.session?.access_token)).error?.name).toBe(
      "AuthSessionMissingError",
    );
  });

  it("refuses the 6th failed sign-in for one account with 429 over_request_rate_limit and Retry-After", async () => {
    const supabase = client(server.url);
    const address = email("victim");
    await supabase.auth.signUp({ email: address, password: "correct horse" });
    for (let i = 0; i < 5; i++) {
      const wrong = await supabase.auth.signInWithPassword({ email: address, password: `guess ${i}` });
      expect(wrong.error).toMatchObject({ status: 400, code: "invalid_credentials" });
    }
    const limited = await supabase.auth.signInWithPassword({ email: address, password: "correct horse" });
    expect(limited.data.session).toBeNull();
    expect(limited.error).toMatchObject({ status: 429, code: "over_request_rate_limit" });

    const raw = await fetch(`${server.url}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: address, password: "correct horse" }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(800);
  });

  it("refuses an address after 20 failures over distinct emails, whatever X-Forwarded-For claims", async () => {
    // 5 failures from this address were counted by the previous test
    const attempt = (i: number) =>
      fetch(`${server.url}/auth/v1/token?grant_type=password`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `10.1.2.${i}` },
        body: JSON.stringify({ email: email(`spray${i}`), password: "guess guess" }),
      });
    for (let i = 0; i < 15; i++) expect((await attempt(i)).status).toBe(400);
    const limited = await attempt(99);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error_code: "over_request_rate_limit" });
  });
});
