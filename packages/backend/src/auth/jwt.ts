import { jsonProblem } from "@custos/protocol";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";

/** Generous: user_metadata is the user's own (Supabase lets them set it); only unstorable text matters. */
const CLAIM_LIMITS = { maxDepth: 32, maxNodes: 10_000, maxKeyLength: 1_000, maxStringLength: 100_000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** HS256 with a shorter secret is guessable offline from any one token. */
export const MIN_HS256_SECRET_LENGTH = 32;

/**
 * Where user JWTs are verified from: Supabase Auth's JWKS (URL, or a key set such as
 * custos-server's own keys) for ES256/RS256, and/or a Supabase project's legacy JWT secret for
 * HS256. At least one; `jwks` wins over `jwksUrl` when both are given.
 */
export type JwksSource = { jwksUrl?: string; jwks?: JSONWebKeySet; hs256Secret?: string } & (
  | { jwksUrl: string }
  | { jwks: JSONWebKeySet }
  | { hs256Secret: string }
);

const ASYMMETRIC = new Set(["ES256", "RS256"]);
const ALGORITHMS = ["HS256", ...ASYMMETRIC];

/**
 * Picks the key by the token header's `alg`: HS256 only ever gets the secret and ES256/RS256 only
 * the JWKS, so a token cannot choose which kind of key checks it (an HS256 token "signed" with a
 * public key as HMAC secret is checked against the secret and fails). An alg without a
 * configured key is 401, not 500.
 */
export function keyResolver(source: JwksSource): JWTVerifyGetKey {
  const jwks = source.jwks
    ? createLocalJWKSet(source.jwks)
    : source.jwksUrl
      ? createRemoteJWKSet(new URL(source.jwksUrl), { cacheMaxAge: 10 * 60_000 })
      : undefined;
  if (source.hs256Secret !== undefined && source.hs256Secret.length < MIN_HS256_SECRET_LENGTH) {
    throw new Error(`the HS256 JWT secret must have at least ${MIN_HS256_SECRET_LENGTH} characters`);
  }
  const secret = source.hs256Secret === undefined ? undefined : new TextEncoder().encode(source.hs256Secret);
  if (!jwks && !secret) throw new Error("user JWT keys: give a JWKS, a JWKS URL or an HS256 secret");
  return (header, token) => {
    if (header.alg === "HS256" && secret) return secret;
    if (header.alg !== undefined && ASYMMETRIC.has(header.alg) && jwks) return jwks(header, token);
    throw new AppError("UNAUTHORIZED", `tokens signed with ${header.alg} are not accepted here`, {
      field: "authorization",
    });
  };
}

/**
 * Verifies a Supabase-format access token (ES256/RS256 from the JWKS, HS256 from the legacy
 * secret, see keyResolver; audience "authenticated"); the claims are what RLS sees through
 * asCaller().
 */
export async function verifyUserJwt(
  keys: JWTVerifyGetKey,
  authorization: string | undefined,
): Promise<CallerClaims> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!token)
    throw new AppError("UNAUTHORIZED", "missing Authorization: Bearer <access token>", {
      field: "authorization",
    });
  try {
    const { payload } = await jwtVerify(token, keys, {
      audience: "authenticated",
      algorithms: ALGORITHMS,
    });
    // sub becomes a uuid in SQL (auth.uid(), memberships.user_id): anything else would be a
    // database error answered as 500 for a token that is merely not a user's
    if (typeof payload.sub !== "string" || !UUID.test(payload.sub) || payload.role !== "authenticated") {
      throw new AppError("UNAUTHORIZED", "token is not a signed-in user's", { field: "authorization" });
    }
    // every claim reaches PostgreSQL as request.jwt.claims (read as jsonb by RLS): a NUL or lone
    // surrogate in any of them would fail each query of the request
    if (jsonProblem(payload, CLAIM_LIMITS) !== null) {
      throw new AppError("UNAUTHORIZED", "token is not a signed-in user's", { field: "authorization" });
    }
    return { ...payload, sub: payload.sub, role: "authenticated" } as CallerClaims;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    const why = code === "ERR_JWT_EXPIRED" ? "token expired" : "invalid token";
    throw new AppError("UNAUTHORIZED", why, { field: "authorization" });
  }
}
