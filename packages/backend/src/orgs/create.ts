import { SafeText } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { OrganizationsRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";

export const CreateOrganizationInput = z.strictObject({
  name: SafeText.trim().min(1).max(200),
  require_server_approval: z.boolean().default(false),
  raw_retention_days: z.number().int().min(1).max(3650).default(90),
  owner_user_id: z.uuid().optional(),
});
export type CreateOrganizationInput = z.input<typeof CreateOrganizationInput>;

export async function createOrganization({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: CreateOrganizationInput;
}): Promise<{ id: string }> {
  const data = parseInput(CreateOrganizationInput, input);
  return ctx.sql.begin(async (tx) => {
    const rows = await tx<Pick<OrganizationsRow, "id">[]>`
      insert into public.organizations (name, require_server_approval, raw_retention_days)
      values (${data.name}, ${data.require_server_approval}, ${data.raw_retention_days}) returning id`;
    const org = rows[0] as { id: string };
    if (data.owner_user_id) {
      await tx`insert into public.memberships (org_id, user_id, role) values (${org.id}, ${data.owner_user_id}, 'owner')`;
    }
    return org;
  }) as Promise<{ id: string }>;
}
