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

/** Where user JWTs are verified from: Supabase Auth's JWKS URL, or custos-server's own keys. */
export type JwksSource = { jwksUrl: string } | { jwks: JSONWebKeySet };

export function keyResolver(source: JwksSource): JWTVerifyGetKey {
  return "jwks" in source
    ? createLocalJWKSet(source.jwks)
    : createRemoteJWKSet(new URL(source.jwksUrl), { cacheMaxAge: 10 * 60_000 });
}

/**
 * Verifies a Supabase-format access token (ES256/RS256 from the JWKS; audience
 * "authenticated"); the claims are what RLS sees through asCaller().
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
      algorithms: ["ES256", "RS256"],
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
