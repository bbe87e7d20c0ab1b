import { type AcceptedInvitation, AcceptInvitationRequest, type OrgRole } from "@custos/protocol";
import type { Ctx } from "../context.ts";
import { asCaller, type CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";

type Outcome = "accepted" | "not_found" | "already_accepted" | "expired" | "no_user" | "wrong_email";

/** A fresh error per refusal (an error carries its own stack). */
const REFUSED: Record<Exclude<Outcome, "accepted">, () => AppError> = {
  not_found: () =>
    new AppError("NOT_FOUND", "invitation not found (revoked, or a wrong token)", { field: "token" }),
  already_accepted: () =>
    new AppError("CONFLICT", "this invitation was already accepted", { field: "token" }),
  expired: () =>
    new AppError("CONFLICT", "this invitation has expired; ask for a new one", { field: "token" }),
  no_user: () =>
    new AppError("UNAUTHORIZED", "the signed-in user no longer exists", { field: "authorization" }),
  wrong_email: () => new AppError("FORBIDDEN", "this invitation was sent to a different email address"),
};

/**
 * The signed-in invitee accepts, as the caller, through private.accept_invitation (security
 * definer): the invitee is not a member yet, so RLS hides the invitation, and `authenticated` may
 * never insert a membership. What authorizes it is the token (256 random bits, looked up by its
 * SHA-256) AND the caller's own email in auth.users matching the invited address, so a forwarded
 * or leaked link does not let another account join. The membership is written for auth.uid()
 * only; an existing member keeps the higher role.
 */
export async function acceptInvitation({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: AcceptInvitationRequest;
}): Promise<AcceptedInvitation> {
  const { token } = parseInput(AcceptInvitationRequest, input);
  const [row] = await asCaller(
    ctx.sql,
    caller,
    (tx) => tx<{ outcome: Outcome; org_id: string | null; org_name: string | null; role: OrgRole | null }[]>`
      select outcome, org_id, org_name, role from private.accept_invitation(${token})`,
  );
  if (!row) throw REFUSED.not_found();
  if (row.outcome !== "accepted") throw REFUSED[row.outcome]();
  return { org: { id: row.org_id as string, name: row.org_name as string }, role: row.role as OrgRole };
}
