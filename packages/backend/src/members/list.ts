import type { MemberList } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectMembers } from "./view.ts";

export const ListMembersInput = z.strictObject({ org_id: z.uuid() });
export type ListMembersInput = z.input<typeof ListMembersInput>;

/** Members with roles and emails (emails through private.org_members: co-members only). */
export async function listMembers({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListMembersInput;
}): Promise<MemberList> {
  const { org_id } = parseInput(ListMembersInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => ({
    members: await selectMembers(tx, org_id, caller.sub),
  }));
}
