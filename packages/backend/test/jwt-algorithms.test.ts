import { randomUUID } from "node:crypto";
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../src/errors.ts";
import { createApp, type JwksSource, keyResolver, verifyUserJwt } from "../src/index.ts";

/**
 * User access tokens as Supabase Auth mints them: HS256 with the project's legacy JWT secret,
 * or ES256/RS256 with a signing key published in the project's JWKS (header `kid`).
 * No database: verification happens before any query.
 */
const SECRET = "a-supabase-legacy-jwt-secret-of-40-chars!";
const OTHER_SECRET = "another-project-jwt-secret-40-characters!";

let es256: CryptoKeyPair;
let rs256: CryptoKeyPair;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  es256 = await generateKeyPair("ES256", { extractable: true });
  rs256 = await generateKeyPair("RS256", { extractable: true });
  const es: JWK = { ...(await exportJWK(es256.publicKey)), kid: "es-key", alg: "ES256", use: "sig" };
  const rs: JWK = { ...(await exportJWK(rs256.publicKey)), kid: "rs-key", alg: "RS256", use: "sig" };
  jwks = { keys: [es, rs] };
});

function supabaseClaims(sub = randomUUID()): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "https://abcdefghijklmnop.supabase.co/auth/v1",
    aud: "authenticated",
    sub,
    exp: now + 3600,
    iat: now,
    email: "owner@a.example",
    phone: "",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: { email_verified: true },
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: now }],
    session_id: randomUUID(),
    is_anonymous: false,
  };
}

function hs256(secret: string | Uint8Array, claims = supabaseClaims()) {
  const key = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key);
}

function asymmetric(alg: "ES256" | "RS256", claims = supabaseClaims()) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: alg === "ES256" ? "es-key" : "rs-key", typ: "JWT" })
    .sign((alg === "ES256" ? es256 : rs256).privateKey);
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

async function verify(source: JwksSource, token: string) {
  return verifyUserJwt(keyResolver(source), `Bearer ${token}`);
}

/** The 401 the dashboard answers: UNAUTHORIZED naming the header. */
async function expectRefused(source: JwksSource, token: string): Promise<AppError> {
  const error = await verify(source, token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: "UNAUTHORIZED", field: "authorization" });
  return error as AppError;
}

describe("HS256 user tokens (projects on Supabase's legacy JWT secret)", () => {
  it("accepts an HS256 token signed with the configured secret and returns its claims", async () => {
    const claims = supabaseClaims();
    for (const source of [{ hs256Secret: SECRET }, { jwks: jwks, hs256Secret: SECRET }]) {
      const caller = await verify(source, await hs256(SECRET, claims));
      expect(caller).toMatchObject({ sub: claims.sub, role: "authenticated", email: "owner@a.example" });
      expect(caller.session_id).toBe(claims.session_id);
    }
  });

  it("refuses an HS256 token signed with another secret", async () => {
    await expectRefused({ hs256Secret: SECRET, jwks }, await hs256(OTHER_SECRET));
  });

  it("refuses an HS256 token when no secret is configured, naming the algorithm", async () => {
    const error = await expectRefused({ jwks }, await hs256(SECRET));
    expect(error.message).toMatch(/HS256/);
    expect(error.message).not.toContain(SECRET);
  });

  it("applies the same subject, role, audience and expiry checks as to ES256 tokens", async () => {
    const source = { hs256Secret: SECRET };
    const past = Math.floor(Date.now() / 1000) - 60;
    const bad: JWTPayload[] = [
      { ...supabaseClaims(), sub: "admin" },
      { ...supabaseClaims(), role: "anon" },
      { ...supabaseClaims(), aud: "something-else" },
      { ...supabaseClaims(), email: "owner\u0000@a.example" },
      { ...supabaseClaims(), exp: past },
    ];
    for (const claims of bad) await expectRefused(source, await hs256(SECRET, claims));
    expect((await expectRefused(source, await hs256(SECRET, bad[4]))).message).toBe("token expired");
  });

  it("refuses another HMAC algorithm (HS512) even with the right secret", async () => {
    const token = await new SignJWT(supabaseClaims())
      .setProtectedHeader({ alg: "HS512", typ: "JWT" })
      .sign(new TextEncoder().encode(SECRET));
    await expectRefused({ hs256Secret: SECRET, jwks }, token);
  });

  it("refuses a secret shorter than 32 characters, and a source with no key at all", () => {
    expect(() => keyResolver({ hs256Secret: "x".repeat(31) })).toThrow(/at least 32 characters/);
    expect(() => keyResolver({ hs256Secret: "x".repeat(32) })).not.toThrow();
    expect(() => keyResolver({} as JwksSource)).toThrow(/JWKS/);
  });
});

describe("ES256/RS256 user tokens (the JWKS)", () => {
  it("still accepts ES256 and RS256 tokens from the JWKS, with or without a secret configured", async () => {
    for (const source of [{ jwks }, { jwks, hs256Secret: SECRET }]) {
      for (const alg of ["ES256", "RS256"] as const) {
        const claims = supabaseClaims();
        expect((await verify(source, await asymmetric(alg, claims))).sub).toBe(claims.sub);
      }
    }
  });

  it("refuses an ES256 token when only a secret is configured", async () => {
    const error = await expectRefused({ hs256Secret: SECRET }, await asymmetric("ES256"));
    expect(error.message).toMatch(/ES256/);
  });
});

describe("forged tokens", () => {
  it("refuses an unsigned token (alg none)", async () => {
    const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(supabaseClaims())}.`;
    for (const source of [{ jwks }, { hs256Secret: SECRET }, { jwks, hs256Secret: SECRET }]) {
      await expectRefused(source, unsigned);
    }
  });

  it("refuses an HS256 token signed with the JWKS's public key as HMAC secret (key confusion)", async () => {
    const forged: string[] = [];
    for (const pair of [es256, rs256]) {
      const pem = await exportSPKI(pair.publicKey);
      const jwk = JSON.stringify(await exportJWK(pair.publicKey));
      for (const secret of [pem, jwk]) {
        const claims = supabaseClaims();
        forged.push(
          await new SignJWT(claims)
            .setProtectedHeader({ alg: "HS256", kid: pair === es256 ? "es-key" : "rs-key", typ: "JWT" })
            .sign(new TextEncoder().encode(secret)),
        );
      }
    }
    for (const source of [{ jwks }, { jwks, hs256Secret: SECRET }]) {
      for (const token of forged) await expectRefused(source, token);
    }
  });
});

describe("over HTTP", () => {
  // never connected: a refused token never reaches the database
  const sql = postgres("postgres://nobody@127.0.0.1:1/none", { max: 1 });
  afterAll(() => sql.end());

  it("answers 401 naming the header, never 500, to a token whose algorithm has no configured key", async () => {
    const quiet = { info() {}, warn() {}, error() {} };
    const jwksOnly = createApp({ sql, log: quiet, jwks: { jwks } });
    const secretOnly = createApp({ sql, log: quiet, jwks: { hs256Secret: SECRET } });
    const cases: [ReturnType<typeof createApp>, string][] = [
      [jwksOnly, await hs256(SECRET)],
      [secretOnly, await asymmetric("ES256")],
      [secretOnly, await asymmetric("RS256")],
    ];
    for (const [app, token] of cases) {
      const res = await app.request("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; field: string } };
      expect(body.error).toMatchObject({ code: "UNAUTHORIZED", field: "authorization" });
    }
  });
});
