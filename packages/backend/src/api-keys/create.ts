import type { ApiKeyItem } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import type { ApiKeysRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { CreateApiKeyInput } from "./schemas.ts";
import { generateApiKey, hashApiKey, visiblePrefix } from "./secret.ts";
import { selectApiKeys } from "./view.ts";

/** A new key as listed, with the full key: returned this once; only its hash is stored. */
export type NewApiKey = ApiKeyItem & { key: string };

/**
 * Creates a key. Runs on the handle it is given: a member's in the dashboard (the policy "members
 * and up create api keys" allows exactly that, and the caller only ever writes the hash of a key
 * generated here, so no elevated rights are needed) or service access (the admin CLI).
 */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: { sql: Queryable };
  input: CreateApiKeyInput;
}): Promise<NewApiKey> {
  const data = parseInput(CreateApiKeyInput, input);
  if (data.enroll_until !== null && Date.parse(data.enroll_until) <= Date.now()) {
    throw new AppError("VALIDATION", "enroll_until must lie ahead: a key past it registers no server", {
      field: "enroll_until",
    });
  }
  const key = generateApiKey();
  const hash = await hashApiKey(key);
  const rows = await ctx.sql<Pick<ApiKeysRow, "id">[]>`
    insert into public.api_keys (org_id, name, prefix, secret_hash, scope, created_by, max_servers, enroll_until)
    select ${data.org_id}, ${data.name}, ${visiblePrefix(key)}, ${hash}, ${data.scope}, ${data.created_by ?? null},
           ${data.max_servers}, ${data.enroll_until}
    where exists (select 1 from public.organizations where id = ${data.org_id})
    returning id`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", `organization ${data.org_id} not found`, { field: "org_id" });
  const [item] = await selectApiKeys(ctx.sql, data.org_id, ctx.sql`and k.id = ${row.id}`);
  return { ...(item as ApiKeyItem), key };
}
