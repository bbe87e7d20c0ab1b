import type { ApiKeyItem } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, txSql } from "../orgs/access.ts";
import { revokeApiKey } from "./revoke.ts";
import { selectApiKeys } from "./view.ts";

export const RevokeApiKeyByUserInput = z.strictObject({ org_id: z.uuid(), key_id: z.uuid() });
export type RevokeApiKeyByUserInput = z.input<typeof RevokeApiKeyByUserInput>;

/** A member revokes a key, as the caller (policy: members and up); this process's key cache
 * forgets it at once (the spine's verb), others within apiKeyCacheMs. */
export async function revokeApiKeyByUser({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql" | "keys">;
  caller: CallerClaims;
  input: RevokeApiKeyByUserInput;
}): Promise<ApiKeyItem> {
  const { org_id, key_id } = parseInput(RevokeApiKeyByUserInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    await revokeApiKey({ ctx: { sql: txSql(tx), keys: ctx.keys }, input: { org_id, key_id } });
    const [item] = await selectApiKeys(tx, org_id, tx`and k.id = ${key_id}`);
    return item as ApiKeyItem;
  });
}
