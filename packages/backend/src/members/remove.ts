import type { OkResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { asCaller, type CallerClaims } from "../db/as-caller.ts";
import type { MembershipsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, requireOrgRole } from "../orgs/access.ts";
import { requireAnotherOwner } from "./update-role.ts";

export const RemoveMemberInput = z.strictObject({ org_id: z.uuid(), user_id: z.uuid() });
export type RemoveMemberInput = z.input<typeof RemoveMemberInput>;

/**
 * An admin removes a member (owners only remove owners), or anyone leaves (removes themselves).
 * The last owner can do neither. Removing someone else runs as the caller under "admins manage
 * memberships". Leaving is allowed to every role but no policy lets a viewer delete their own
 * membership, so that one statement runs with service access after the caller's membership was
 * verified as the caller; it can only ever delete the caller's own row.
 */
export async function removeMember({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: RemoveMemberInput;
}): Promise<OkResponse> {
  const { org_id, user_id } = parseInput(RemoveMemberInput, input);
  if (user_id === caller.sub) {
    const role = await asCaller(ctx.sql, caller, (tx) => requireOrgRole(tx, org_id, "viewer"));
    await ctx.sql.begin(async (tx) => {
      await tx`select 1 from public.organizations where id = ${org_id} for update`;
      if (role === "owner") await requireAnotherOwner(tx, org_id, user_id);
      await tx`delete from public.memberships where org_id = ${org_id} and user_id = ${caller.sub}`;
    });
    return { ok: true };
  }
  return inOrg(ctx, caller, org_id, "admin", async (tx, callerRole) => {
    await tx`select 1 from public.organizations where id = ${org_id} for update`;
    const [target] = await tx<Pick<MembershipsRow, "role">[]>`
      select role from public.memberships where org_id = ${org_id} and user_id = ${user_id}`;
    if (!target) throw new AppError("NOT_FOUND", `user ${user_id} is not a member`, { field: "user_id" });
    if (target.role === "owner") {
      if (callerRole !== "owner") throw new AppError("FORBIDDEN", "only an owner can remove an owner");
      await requireAnotherOwner(tx, org_id, user_id);
    }
    await tx`delete from public.memberships where org_id = ${org_id} and user_id = ${user_id}`;
    return { ok: true as const };
  });
}
