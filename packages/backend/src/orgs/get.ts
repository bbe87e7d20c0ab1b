import type { OrgSettings } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "./access.ts";
import { readOrgSettings } from "./settings.ts";

export const GetOrganizationInput = z.strictObject({ org_id: z.uuid() });
export type GetOrganizationInput = z.input<typeof GetOrganizationInput>;

export async function getOrganization({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: GetOrganizationInput;
}): Promise<OrgSettings> {
  const data = parseInput(GetOrganizationInput, input);
  return inOrg(ctx, caller, data.org_id, "viewer", (tx, role) => readOrgSettings(tx, data.org_id, role));
}
