import { createLocalJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { AuthCtx } from "./context.ts";
import { AuthError } from "./errors.ts";
import type { UserRow } from "./users.ts";
import { EMAIL_APP_METADATA } from "./users.ts";

/** The claims of a Supabase Auth access token, as RLS (auth.uid(), auth.jwt()) reads them. */
export interface AccessClaims extends JWTPayload {
  sub: string;
  role: "authenticated";
  aud: "authenticated";
  exp: number;
  iat: number;
  iss: string;
  email: string;
  phone: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  session_id: string;
  aal: "aal1";
  amr: { method: "password"; timestamp: number }[];
  is_anonymous: false;
}

/** Signs a Supabase-format access token (ES256, header `kid`) for a user's session. */
export async function signAccessToken(
  ctx: Pick<AuthCtx, "key" | "config" | "now">,
  input: { user: UserRow; sessionId: string; signedInAt: Date; issuer: string },
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(ctx.now() / 1000);
  const exp = iat + ctx.config.jwtTtlSeconds;
  const claims: AccessClaims = {
    iss: input.issuer,
    sub: input.user.id,
    aud: "authenticated",
    exp,
    iat,
    email: input.user.email ?? "",
    phone: "",
    app_metadata: input.user.raw_app_meta_data ?? EMAIL_APP_METADATA,
    user_metadata: input.user.raw_user_meta_data ?? {},
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: Math.floor(input.signedInAt.getTime() / 1000) }],
    session_id: input.sessionId,
    is_anonymous: false,
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: ctx.key.kid, typ: "JWT" })
    .sign(ctx.key.privateKey);
  return { token, expiresAt: exp };
}

const verifiers = new WeakMap<AuthCtx["key"], ReturnType<typeof createLocalJWKSet>>();

/** Verifies a `Bearer <access token>` header against this server's key (401/403 as GoTrue answers). */
export async function verifyAccessToken(
  ctx: Pick<AuthCtx, "key" | "now">,
  authorization: string | undefined,
): Promise<AccessClaims> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!token) {
    throw new AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token", {
      field: "authorization",
    });
  }
  let keys = verifiers.get(ctx.key);
  if (!keys) {
    keys = createLocalJWKSet(ctx.key.jwks);
    verifiers.set(ctx.key, keys);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: ["ES256"],
      audience: "authenticated",
      currentDate: new Date(ctx.now()),
    }));
  } catch (error) {
    const why =
      (error as { code?: string }).code === "ERR_JWT_EXPIRED"
        ? "token is expired"
        : "signature or claims invalid";
    throw new AuthError(403, "bad_jwt", `invalid JWT: unable to parse or verify signature, ${why}`, {
      field: "authorization",
    });
  }
  if (
    typeof payload.sub !== "string" ||
    typeof payload.session_id !== "string" ||
    payload.role !== "authenticated"
  ) {
    throw new AuthError(403, "bad_jwt", "invalid JWT: missing sub or session_id claim", {
      field: "authorization",
    });
  }
  return payload as AccessClaims;
}
