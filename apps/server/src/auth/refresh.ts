import { parseInput } from "./body.ts";
import type { SessionRequest } from "./context.ts";
import { AuthError } from "./errors.ts";
import { RefreshGrantInput } from "./schemas.ts";
import {
  hashRefreshToken,
  issueRefreshToken,
  type SessionResponse,
  type SessionRow,
  sessionResponse,
} from "./sessions.ts";
import { findUserById, userBlocked } from "./users.ts";

interface TokenRow {
  id: string;
  user_id: string;
  revoked: boolean;
  updated_at: Date;
  session_id: string;
  session_created_at: Date;
  not_after: Date | null;
}

/**
 * POST /auth/v1/token?grant_type=refresh_token. Refresh tokens rotate: the presented one is
 * marked revoked and a child is issued. A revoked token presented again is GoTrue's reuse
 * detection: within `refreshReuseSeconds` of its rotation it is taken as a concurrent refresh
 * (two tabs, or server and browser, racing with one token) and gets a fresh child; later it
 * means the token leaked, and the whole session is revoked — every token of it stops working
 * and GET /user answers session_not_found. The token row is locked for the transaction, so
 * concurrent refreshes of one token are decided one after the other.
 */
export async function refreshSession({ ctx, input, client }: SessionRequest): Promise<SessionResponse> {
  const data = parseInput(RefreshGrantInput, input);
  const hash = hashRefreshToken(data.refresh_token);
  const now = ctx.now();
  const at = new Date(now);

  const outcome = await ctx.sql.begin(async (tx) => {
    const [row] = await tx<TokenRow[]>`
      select rt.id, rt.user_id, rt.revoked, rt.updated_at, rt.session_id,
             s.created_at as session_created_at, s.not_after
      from auth.refresh_tokens rt join auth.sessions s on s.id = rt.session_id
      where rt.token = ${hash}
      for update of rt`;
    if (!row) return { error: notFound() };
    if (row.not_after && row.not_after.getTime() <= now) return { error: expired() };

    if (row.revoked) {
      const sinceRotation = now - row.updated_at.getTime();
      if (sinceRotation >= ctx.config.refreshReuseSeconds * 1000) {
        await tx`update auth.refresh_tokens set revoked = true, updated_at = ${at} where session_id = ${row.session_id} and not revoked`;
        await tx`update auth.sessions set not_after = ${at}, updated_at = ${at} where id = ${row.session_id}`;
        return { error: alreadyUsed(), revokedSession: row.session_id };
      }
    } else {
      await tx`update auth.refresh_tokens set revoked = true, updated_at = ${at} where id = ${row.id}`;
    }
    const user = await findUserById(tx, row.user_id);
    if (!user || userBlocked(user, now)) return { error: notFound() };
    await tx`update auth.sessions set updated_at = ${at} where id = ${row.session_id}`;
    const refreshToken = await issueRefreshToken(tx, {
      userId: row.user_id,
      sessionId: row.session_id,
      parentHash: hash,
      at,
    });
    const session: SessionRow = {
      id: row.session_id,
      user_id: row.user_id,
      created_at: row.session_created_at,
      not_after: row.not_after,
    };
    return { user, session, refreshToken };
  });

  if ("error" in outcome) {
    // the revocation above is committed: the transaction returned (not threw) the error
    if (outcome.revokedSession) {
      ctx.log.warn("refresh token reused after rotation; session revoked", {
        session_id: outcome.revokedSession,
      });
    }
    throw outcome.error;
  }
  return sessionResponse(ctx, { ...outcome, client });
}

const notFound = () =>
  new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found", {
    field: "refresh_token",
  });
const expired = () =>
  new AuthError(400, "session_expired", "Invalid Refresh Token: Session Expired", { field: "refresh_token" });
const alreadyUsed = () =>
  new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used", {
    field: "refresh_token",
  });
