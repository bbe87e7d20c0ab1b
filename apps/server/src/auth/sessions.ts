import { createHash, randomBytes } from "node:crypto";
import type { Sql, TransactionSql } from "postgres";
import { signAccessToken } from "./access-token.ts";
import type { AuthCtx, Client } from "./context.ts";
import { type UserRow, userJson } from "./users.ts";

type Db = Sql | TransactionSql;

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  not_after: Date | null;
}

/**
 * Refresh tokens are 256 random bits; only their SHA-256 (hex) is stored in
 * auth.refresh_tokens.token (and `parent`), so a database dump does not hand out sessions.
 * High-entropy secrets need no salt or slow hash (like API keys, decision 0005).
 */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new session (auth.sessions) with its first refresh token. */
export async function startSession(
  db: Db,
  input: { userId: string; client: Client; at: Date },
): Promise<{ session: SessionRow; refreshToken: string }> {
  const [session] = await db<SessionRow[]>`
    insert into auth.sessions (id, user_id, created_at, updated_at, user_agent, ip)
    values (gen_random_uuid(), ${input.userId}, ${input.at}, ${input.at},
            ${input.client.userAgent ?? null}, ${input.client.address ?? null})
    returning id, user_id, created_at, not_after`;
  const created = session as SessionRow;
  const refreshToken = await issueRefreshToken(db, {
    userId: input.userId,
    sessionId: created.id,
    parentHash: null,
    at: input.at,
  });
  return { session: created, refreshToken };
}

export async function issueRefreshToken(
  db: Db,
  input: { userId: string; sessionId: string; parentHash: string | null; at: Date },
): Promise<string> {
  const { token, hash } = newRefreshToken();
  await db`
    insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, parent, session_id)
    values (${hash}, ${input.userId}, false, ${input.at}, ${input.at}, ${input.parentHash}, ${input.sessionId})`;
  return token;
}

/** GoTrue's token response: what supabase-js stores as its Session. */
export async function sessionResponse(
  ctx: Pick<AuthCtx, "key" | "config" | "now">,
  input: { user: UserRow; session: SessionRow; refreshToken: string; client: Client },
) {
  const { token, expiresAt } = await signAccessToken(ctx, {
    user: input.user,
    sessionId: input.session.id,
    signedInAt: input.session.created_at,
    issuer: input.client.issuer,
  });
  return {
    access_token: token,
    token_type: "bearer" as const,
    expires_in: ctx.config.jwtTtlSeconds,
    expires_at: expiresAt,
    refresh_token: input.refreshToken,
    user: userJson(input.user),
  };
}
export type SessionResponse = Awaited<ReturnType<typeof sessionResponse>>;
