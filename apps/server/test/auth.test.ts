import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@custos/testkit";
import { Hono } from "hono";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify, SignJWT } from "jose";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type AuthConfig,
  authRoutes,
  createAuthContext,
  loadOrCreateSigningKey,
  type SigningKey,
} from "../src/auth/index.ts";

/**
 * The auth routes in process, on a real migrated PostgreSQL, with a clock the tests move and
 * the client address set the way @hono/node-server sets it (c.env.incoming.socket).
 */
const quiet = { info() {}, warn() {}, error: (m: string, d?: unknown) => console.error(m, d) };
let sql: postgres.Sql;
let key: SigningKey;
let dataDir: string;

beforeAll(async () => {
  sql = postgres(await createTestDatabase(inject("pgAdminUrl")), { max: 10, onnotice: () => undefined });
  dataDir = mkdtempSync(join(tmpdir(), "custos-auth-"));
  key = await loadOrCreateSigningKey(dataDir, quiet);
});
afterAll(async () => {
  await sql?.end();
  rmSync(dataDir, { recursive: true, force: true });
});

function authApp(config: Partial<AuthConfig> = {}) {
  let now = Date.now();
  // many users sign up on one database here; the policies have their own tests (signups.test.ts)
  const ctx = createAuthContext({
    sql,
    key,
    log: quiet,
    config: { signups: "open", ...config },
    now: () => now,
  });
  const app = new Hono().route("/auth/v1", authRoutes(ctx));
  async function call(
    method: string,
    path: string,
    options: { body?: unknown; raw?: BodyInit; headers?: Record<string, string>; address?: string } = {},
  ) {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-supabase-api-version": "2024-01-01",
      ...options.headers,
    };
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const res = await app.request(
      `http://custos.test/auth/v1${path}`,
      {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit,
      { incoming: { socket: { remoteAddress: options.address ?? "192.0.2.1" } } },
    );
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as any };
  }
  return {
    ctx,
    call,
    advance: (ms: number) => {
      now += ms;
    },
    signUp: (email: string, password = "correct horse", data?: unknown) =>
      call("POST", "/signup", { body: { email, password, ...(data !== undefined ? { data } : {}) } }),
    signIn: (email: string, password: string, address?: string) =>
      call("POST", "/token?grant_type=password", {
        body: { email, password },
        ...(address ? { address } : {}),
      }),
    refresh: (refresh_token: unknown) =>
      call("POST", "/token?grant_type=refresh_token", { body: { refresh_token } }),
    user: (token: string) => call("GET", "/user", { headers: { authorization: `Bearer ${token}` } }),
  };
}

let seq = 0;
const email = (name: string) => `${name}-${++seq}@example.com`;

describe("sign-up", () => {
  it("stores the user as Supabase Auth does (bcrypt cost 10, aud/role authenticated, confirmed) and returns a session", async () => {
    const a = authApp();
    const address = email("Ada.Lovelace").toUpperCase();
    const res = await a.signUp(`  ${address} `, "correct horse", { full_name: "Ada" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.expires_at).toBe(decodeJwt(res.body.access_token).exp);
    expect(res.body.user).toMatchObject({
      email: address.toLowerCase(),
      aud: "authenticated",
      role: "authenticated",
      user_metadata: { full_name: "Ada" },
      app_metadata: { provider: "email", providers: ["email"] },
      is_anonymous: false,
    });
    expect(res.body.user.email_confirmed_at).toEqual(expect.any(String));

    const [row] = await sql`
      select email, encrypted_password, aud, role, email_confirmed_at, raw_user_meta_data
      from auth.users where id = ${res.body.user.id}`;
    expect(row?.encrypted_password).toMatch(/^\$2[aby]\$10\$/);
    expect(row?.encrypted_password).not.toContain("correct horse");
    expect(row).toMatchObject({ email: address.toLowerCase(), aud: "authenticated", role: "authenticated" });
    expect(row?.email_confirmed_at).toBeInstanceOf(Date);
    expect(row?.raw_user_meta_data).toEqual({ full_name: "Ada" });
  });

  it("gives a new user a personal organization they own", async () => {
    const a = authApp();
    const address = email("grace");
    const res = await a.signUp(address);
    const orgs = await sql`
      select o.name, m.role from organizations o join memberships m on m.org_id = o.id
      where m.user_id = ${res.body.user.id}`;
    expect(orgs).toEqual([{ name: `${address.split("@")[0]}'s organization`, role: "owner" }]);
  });

  it("answers a second sign-up for the same email with 422 user_already_exists, in both GoTrue error shapes", async () => {
    const a = authApp();
    const address = email("dup");
    expect((await a.signUp(address)).status).toBe(200);
    const modern = await a.signUp(address.toUpperCase(), "another password");
    expect(modern.status).toBe(422);
    expect(modern.headers.get("x-supabase-api-version")).toBe("2024-01-01");
    expect(modern.body).toMatchObject({ code: "user_already_exists", message: "User already registered" });
    const legacy = await a.call("POST", "/signup", {
      body: { email: address, password: "another password" },
      headers: { "x-supabase-api-version": "" },
    });
    expect(legacy.status).toBe(422);
    expect(legacy.body).toMatchObject({
      code: 422,
      error_code: "user_already_exists",
      msg: "User already registered",
    });
    const [count] = await sql`select count(*)::int as n from auth.users where email = ${address}`;
    expect(count?.n).toBe(1);
  });

  it("lets only one of two simultaneous sign-ups for one email through", async () => {
    const a = authApp();
    const address = email("race");
    const results = await Promise.all([a.signUp(address), a.signUp(address), a.signUp(address)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 422, 422]);
  });

  it("refuses a password shorter than 8 characters with 422 weak_password and the reason", async () => {
    const res = await authApp().signUp(email("weak"), "short");
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "weak_password", weak_password: { reasons: ["length"] } });
    expect(res.body.message).toContain("at least 8 characters");
  });

  it("refuses a password bcrypt would truncate (over 72 bytes)", async () => {
    const res = await authApp().signUp(email("long"), "é".repeat(40));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "validation_failed", field: "password" });
  });

  it.each([
    ["an invalid email", { email: "not-an-email", password: "correct horse" }, "email"],
    ["a missing email", { password: "correct horse" }, "email"],
    ["an email that is a number", { email: 42, password: "correct horse" }, "email"],
    ["a missing password", { email: "x@example.com" }, "password"],
    ["a password that is an object", { email: "x@example.com", password: { a: 1 } }, "password"],
    [
      "metadata that is not an object",
      { email: "x@example.com", password: "correct horse", data: "x" },
      "data",
    ],
    [
      "metadata with a NUL byte (PostgreSQL's jsonb cannot store it)",
      { email: "x@example.com", password: "correct horse", data: { name: "a\u0000b" } },
      "data.name",
    ],
    [
      "metadata with a lone surrogate",
      { email: "x@example.com", password: "correct horse", data: { name: "\udbb5" } },
      "data.name",
    ],
    [
      // 20 KB of metadata made a 27 KB access token, and every later request a 431
      "metadata over 2 KB (it travels in every access token)",
      { email: "x@example.com", password: "correct horse", data: { bio: "x".repeat(3000) } },
      "data",
    ],
  ])("answers %s with 400 naming the field", async (_what, body, field) => {
    const res = await authApp().call("POST", "/signup", { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "validation_failed", field });
    expect(res.body.message).toMatch(new RegExp(`^${field}: `));
  });
});

describe("bad request bodies", () => {
  it("answers malformed JSON, a JSON array and an empty body with 400 naming the body", async () => {
    const a = authApp();
    for (const raw of ['{"email": "a@example.com",', "[1,2]", "", "null"]) {
      const res = await a.call("POST", "/signup", { raw });
      expect(res.status, raw).toBe(400);
      expect(res.body).toMatchObject({ code: "bad_json", field: "body" });
    }
  });

  it("answers a body over 64 KB with 413, whether or not Content-Length announces it", async () => {
    const a = authApp();
    const big = JSON.stringify({ email: "a@example.com", password: "x".repeat(70 * 1024) });
    const declared = await a.call("POST", "/token?grant_type=password", {
      raw: big,
      headers: { "content-length": String(big.length) },
    });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ code: "request_too_large", field: "body" });

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const streamed = await a.call("POST", "/signup", { raw: stream });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toMatchObject({ field: "body" });
  });

  it("answers a form-encoded body with 415 naming content-type", async () => {
    const res = await authApp().call("POST", "/signup", {
      raw: "email=a%40example.com",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ field: "content-type" });
  });

  it("answers an unknown grant type with 400 naming grant_type, and an unknown path with 404 JSON", async () => {
    const a = authApp();
    const grant = await a.call("POST", "/token?grant_type=pkce", { body: {} });
    expect(grant.status).toBe(400);
    expect(grant.body).toMatchObject({ code: "unsupported_grant_type", field: "grant_type" });
    const missing = await a.call("GET", "/factors");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "not_found" });
  });
});

describe("password sign-in", () => {
  it("signs in with the right password and issues a Supabase-format ES256 token", async () => {
    const a = authApp();
    const address = email("sign-in");
    const up = await a.signUp(address, "correct horse");
    const res = await a.signIn(address, "correct horse");
    expect(res.status).toBe(200);
    const header = decodeProtectedHeader(res.body.access_token);
    expect(header).toMatchObject({ alg: "ES256", kid: key.kid, typ: "JWT" });
    const claims = decodeJwt(res.body.access_token);
    expect(claims).toMatchObject({
      sub: up.body.user.id,
      role: "authenticated",
      aud: "authenticated",
      iss: "http://custos.test/auth/v1",
      email: address,
      aal: "aal1",
      is_anonymous: false,
      amr: [{ method: "password", timestamp: expect.any(Number) }],
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    const [session] =
      await sql`select user_id, ip from auth.sessions where id = ${claims.session_id as string}`;
    expect(session).toMatchObject({ user_id: up.body.user.id, ip: "192.0.2.1" });
    expect(res.body.user.last_sign_in_at).toEqual(expect.any(String));
  });

  it("refuses a wrong password and an unknown email alike: 400 invalid_credentials", async () => {
    const a = authApp();
    const address = email("wrong");
    await a.signUp(address, "correct horse");
    const wrong = await a.signIn(address, "battery staple");
    const unknown = await a.signIn(email("nobody"), "battery staple");
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: "invalid_credentials", message: "Invalid login credentials" });
    }
  });

  it("takes the issuer from CUSTOS_PUBLIC_URL when set", async () => {
    const a = authApp({ publicUrl: "https://custos.example.org" });
    const res = await a.signUp(email("issuer"));
    expect(decodeJwt(res.body.access_token).iss).toBe("https://custos.example.org/auth/v1");
  });
});

describe("rate limiting of failed sign-ins", () => {
  it("refuses the 6th attempt within 15 minutes for one account with 429 and Retry-After, even with the right password, from any address", async () => {
    const a = authApp();
    const address = email("victim");
    await a.signUp(address, "correct horse");
    for (let i = 0; i < 5; i++) {
      expect((await a.signIn(address, `guess ${i}`, `198.51.100.${i}`)).status).toBe(400);
    }
    const limited = await a.signIn(address, "correct horse", "203.0.113.9");
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("over_request_rate_limit");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);

    a.advance(retryAfter * 1000);
    expect((await a.signIn(address, "correct horse", "203.0.113.9")).status).toBe(200);
  });

  it("clears an account's count after a successful sign-in", async () => {
    const a = authApp();
    const address = email("forgetful");
    await a.signUp(address, "correct horse");
    for (let i = 0; i < 4; i++) await a.signIn(address, "nope nope");
    expect((await a.signIn(address, "correct horse")).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await a.signIn(address, "nope nope")).status).toBe(400);
    expect((await a.signIn(address, "correct horse")).status).toBe(200);
  });

  it("refuses an address after 20 failures over distinct emails; other addresses and a success do not reset it", async () => {
    const a = authApp();
    const mine = email("mine");
    await a.signUp(mine, "correct horse");
    for (let i = 0; i < 19; i++) {
      expect((await a.signIn(email("spray"), "guess", "192.0.2.50")).status).toBe(400);
    }
    // a success from that address takes back only its own attempt
    expect((await a.signIn(mine, "correct horse", "192.0.2.50")).status).toBe(200);
    expect((await a.signIn(email("spray"), "guess", "192.0.2.50")).status).toBe(400);
    const limited = await a.signIn(email("spray"), "guess", "192.0.2.50");
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("over_request_rate_limit");
    expect((await a.signIn(mine, "correct horse", "192.0.2.50")).status).toBe(429);
    expect((await a.signIn(mine, "correct horse", "192.0.2.51")).status).toBe(200);
  });

  it("counts a burst of parallel guesses: at most 5 of 15 simultaneous attempts get a password check", async () => {
    const a = authApp();
    const address = email("burst");
    await a.signUp(address, "correct horse");
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => a.signIn(address, `guess ${i}`, `198.51.100.${i}`)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  it("ignores X-Forwarded-For unless CUSTOS_TRUST_PROXY says a proxy is in front", async () => {
    const direct = authApp({ rateLimit: { perAccount: 100, perAddress: 3, windowSeconds: 900 } });
    for (let i = 0; i < 3; i++) {
      await direct.call("POST", "/token?grant_type=password", {
        body: { email: email("xff"), password: "guess" },
        headers: { "x-forwarded-for": `10.0.0.${i}` },
      });
    }
    const spoofed = await direct.call("POST", "/token?grant_type=password", {
      body: { email: email("xff"), password: "guess" },
      headers: { "x-forwarded-for": "10.0.0.99" },
    });
    expect(spoofed.status).toBe(429);

    const proxied = authApp({
      trustProxyHops: 1,
      rateLimit: { perAccount: 100, perAddress: 3, windowSeconds: 900 },
    });
    const via = (xff: string) =>
      proxied.call("POST", "/token?grant_type=password", {
        body: { email: email("xff"), password: "guess" },
        headers: { "x-forwarded-for": xff },
        address: "10.9.9.9", // the proxy
      });
    // the client may prepend anything; the entry the proxy appended (rightmost) is the address
    for (let i = 0; i < 3; i++) expect((await via(`1.1.1.${i}, 203.0.113.7`)).status).toBe(400);
    expect((await via("1.1.1.200, 203.0.113.7")).status).toBe(429);
    expect((await via("203.0.113.8")).status).toBe(400);
  });
});

describe("refresh tokens", () => {
  it("rotates: the new refresh token works, and only hashes of tokens are stored", async () => {
    const a = authApp();
    const first = await a.signUp(email("rotate"));
    const second = await a.refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const claims = decodeJwt(second.body.access_token);
    expect(claims.session_id).toBe(decodeJwt(first.body.access_token).session_id);
    expect((await a.refresh(second.body.refresh_token)).status).toBe(200);

    const rows =
      await sql`select token, revoked, parent from auth.refresh_tokens where session_id = ${claims.session_id as string} order by id`;
    expect(rows.map((r) => r.revoked)).toEqual([true, true, false]);
    for (const row of rows) {
      expect(row.token).toMatch(/^[0-9a-f]{64}$/);
      expect([first.body.refresh_token, second.body.refresh_token]).not.toContain(row.token);
    }
    expect(rows[1]?.parent).toBe(rows[0]?.token);
  });

  it("revokes the whole session when a rotated refresh token is used again after the grace period", async () => {
    const a = authApp({ refreshReuseSeconds: 10 });
    const first = await a.signUp(email("stolen"));
    const second = await a.refresh(first.body.refresh_token);
    a.advance(11_000);
    const reuse = await a.refresh(first.body.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ code: "refresh_token_already_used", field: "refresh_token" });
    // the legitimate holder's newer token is dead too, and so is the session
    const newer = await a.refresh(second.body.refresh_token);
    expect(newer.status).toBe(400);
    expect(newer.body.code).toBe("session_expired");
    const me = await a.user(second.body.access_token);
    expect(me.status).toBe(403);
    expect(me.body.code).toBe("session_not_found");
  });

  it("treats a reuse within the grace period as a concurrent refresh and answers with a working token", async () => {
    const a = authApp({ refreshReuseSeconds: 10 });
    const first = await a.signUp(email("two-tabs"));
    const [x, y] = await Promise.all([
      a.refresh(first.body.refresh_token),
      a.refresh(first.body.refresh_token),
    ]);
    expect([x.status, y.status]).toEqual([200, 200]);
    expect(x.body.refresh_token).not.toBe(y.body.refresh_token);
    expect((await a.refresh(x.body.refresh_token)).status).toBe(200);
    expect((await a.refresh(y.body.refresh_token)).status).toBe(200);
  });

  it("answers an unknown or malformed refresh token with 400 naming refresh_token", async () => {
    const a = authApp();
    const unknown = await a.refresh("not-a-token-we-issued");
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: "refresh_token_not_found", field: "refresh_token" });
    const wrongType = await a.refresh(12345);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ code: "validation_failed", field: "refresh_token" });
  });
});

describe("access tokens, /user and /logout", () => {
  it("returns the user for a valid token, 401 without one, 403 for an expired one", async () => {
    const a = authApp({ jwtTtlSeconds: 60 });
    const up = await a.signUp(email("me"));
    const me = await a.user(up.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: up.body.user.id, email: up.body.user.email });

    const none = await a.call("GET", "/user");
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: "no_authorization", field: "authorization" });

    a.advance(61_000);
    const expired = await a.user(up.body.access_token);
    expect(expired.status).toBe(403);
    expect(expired.body.code).toBe("bad_jwt");
    expect(expired.body.message).toContain("expired");
  });

  it("refuses a token signed by another key, even one that copies the claims and kid", async () => {
    const a = authApp();
    const up = await a.signUp(email("forged"));
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT(decodeJwt(up.body.access_token))
      .setProtectedHeader({ alg: "ES256", kid: key.kid })
      .sign(privateKey);
    const res = await a.user(forged);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("bad_jwt");
    const hs = await new SignJWT(decodeJwt(up.body.access_token))
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("guessable secret"));
    expect((await a.user(hs)).status).toBe(403);
  });

  it("signs out: 204, the refresh token stops working and the session is gone", async () => {
    const a = authApp();
    const up = await a.signUp(email("bye"));
    const out = await a.call("POST", "/logout", {
      headers: { authorization: `Bearer ${up.body.access_token}` },
    });
    expect(out.status).toBe(204);
    expect((await a.refresh(up.body.refresh_token)).body.code).toBe("refresh_token_not_found");
    expect((await a.user(up.body.access_token)).body.code).toBe("session_not_found");
  });

  it("signs out everywhere with scope=global and refuses an unknown scope naming it", async () => {
    const a = authApp();
    const address = email("everywhere");
    const one = await a.signUp(address);
    const two = await a.signIn(address, "correct horse");
    const bad = await a.call("POST", "/logout?scope=galaxy", {
      headers: { authorization: `Bearer ${one.body.access_token}` },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "validation_failed", field: "scope" });
    const out = await a.call("POST", "/logout?scope=global", {
      headers: { authorization: `Bearer ${one.body.access_token}` },
    });
    expect(out.status).toBe(204);
    expect((await a.refresh(two.body.refresh_token)).status).toBe(400);
  });
});

describe("JWKS and CORS", () => {
  it("publishes only the public ES256 key with kid, alg and use", async () => {
    const res = await authApp().call("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const [jwk] = res.body.keys;
    expect(jwk).toMatchObject({ kty: "EC", crv: "P-256", kid: key.kid, alg: "ES256", use: "sig" });
    expect(jwk.d).toBeUndefined();
    // and it verifies the tokens this server issues
    const up = await authApp().signUp(email("jwks"));
    const { payload } = await jwtVerify(up.body.access_token, await importJWK(jwk, "ES256"));
    expect(payload.sub).toBe(up.body.user.id);
  });

  it("answers a cross-origin preflight allowing the headers supabase-js sends", async () => {
    const res = await authApp().call("OPTIONS", "/token?grant_type=password", {
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers":
          "apikey, authorization, content-type, x-client-info, x-supabase-api-version",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const allowed = res.headers.get("access-control-allow-headers")?.toLowerCase() ?? "";
    for (const h of ["apikey", "authorization", "content-type", "x-client-info", "x-supabase-api-version"]) {
      expect(allowed).toContain(h);
    }
    const signUp = await authApp().call("POST", "/signup", {
      body: { email: email("cors"), password: "correct horse" },
      headers: { origin: "http://localhost:3000", apikey: "anything" },
    });
    expect(signUp.status).toBe(200);
    expect(signUp.headers.get("access-control-expose-headers")?.toLowerCase()).toContain(
      "x-supabase-api-version",
    );
  });
});
