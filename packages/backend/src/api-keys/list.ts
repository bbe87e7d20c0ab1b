import type { ApiKeyList } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectApiKeys } from "./view.ts";

export const ListApiKeysInput = z.strictObject({ org_id: z.uuid() });
export type ListApiKeysInput = z.input<typeof ListApiKeysInput>;

/** Active keys first, newest first; revoked ones stay listed with revoked_at. */
export async function listApiKeys({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListApiKeysInput;
}): Promise<ApiKeyList> {
  const { org_id } = parseInput(ListApiKeysInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => ({
    api_keys: await selectApiKeys(tx, org_id, tx``),
  }));
}
