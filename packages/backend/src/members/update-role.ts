import { type MemberItem, UpdateMemberRequest } from "@custos/protocol";
import type { TransactionSql } from "postgres";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MembershipsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectMembers } from "./view.ts";

export const UpdateMemberRoleInput = z.strictObject({
  org_id: z.uuid(),
  user_id: z.uuid(),
  changes: UpdateMemberRequest,
});
export type UpdateMemberRoleInput = z.input<typeof UpdateMemberRoleInput>;

/**
 * An admin changes a member's role, as the caller ("admins manage memberships"). Stricter than
 * the policy: only owners grant or take the owner role, and the last owner stays an owner. The
 * organization row is locked so two owners demoting each other at once cannot leave none.
 */
export async function updateMemberRole({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: UpdateMemberRoleInput;
}): Promise<MemberItem> {
  const { org_id, user_id, changes } = parseInput(UpdateMemberRoleInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx, callerRole) => {
    await tx`select 1 from public.organizations where id = ${org_id} for update`;
    const [target] = await tx<Pick<MembershipsRow, "role">[]>`
      select role from public.memberships where org_id = ${org_id} and user_id = ${user_id}`;
    if (!target) throw new AppError("NOT_FOUND", `user ${user_id} is not a member`, { field: "user_id" });
    if ((target.role === "owner" || changes.role === "owner") && callerRole !== "owner") {
      throw new AppError("FORBIDDEN", "only an owner can grant or take the owner role");
    }
    if (target.role === "owner" && changes.role !== "owner") await requireAnotherOwner(tx, org_id, user_id);
    await tx`update public.memberships set role = ${changes.role} where org_id = ${org_id} and user_id = ${user_id}`;
    const members = await selectMembers(tx, org_id, caller.sub);
    return members.find((m) => m.user_id === user_id) as MemberItem;
  });
}

/** 409 unless someone other than `userId` owns the organization. */
export async function requireAnotherOwner(tx: TransactionSql, orgId: string, userId: string): Promise<void> {
  const [row] = await tx<{ n: number }[]>`
    select count(*)::int as n from public.memberships where org_id = ${orgId} and role = 'owner' and user_id <> ${userId}`;
  if ((row?.n ?? 0) === 0) {
    throw new AppError(
      "CONFLICT",
      "an organization needs at least one owner: make someone else owner first",
      {
        field: "user_id",
      },
    );
  }
}
