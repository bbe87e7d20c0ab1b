import type { ApiKeyItem } from "@custos/protocol";
import type { Ctx } from "../context.ts";
import type { Queryable } from "../db/queryable.ts";
import type { ApiKeysRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { RevokeApiKeyInput } from "./schemas.ts";
import { selectApiKeys } from "./view.ts";

/**
 * Revokes a key; this process forgets it at once, others within `apiKeyCacheMs`. Runs on the
 * handle it is given: a member's in the dashboard (policy: members and up) or service access.
 */
export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: { sql: Queryable } & Pick<Ctx, "keys">;
  input: RevokeApiKeyInput;
}): Promise<ApiKeyItem> {
  const { org_id, key_id } = parseInput(RevokeApiKeyInput, input);
  const rows = await ctx.sql<Pick<ApiKeysRow, "id">[]>`
    update public.api_keys set revoked_at = coalesce(revoked_at, now())
    where id = ${key_id} and org_id = ${org_id}
    returning id`;
  if (!rows[0]) throw new AppError("NOT_FOUND", `API key ${key_id} not found`, { field: "key_id" });
  ctx.keys.forgetKeyId(key_id);
  const [item] = await selectApiKeys(ctx.sql, org_id, ctx.sql`and k.id = ${key_id}`);
  return item as ApiKeyItem;
}
