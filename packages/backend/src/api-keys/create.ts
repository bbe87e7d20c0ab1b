import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { CreateApiKeyInput } from "./schemas.ts";
import { generateApiKey, hashApiKey, visiblePrefix } from "./secret.ts";

export interface CreatedApiKey {
  id: string;
  /** The full key. Returned once; only its hash is stored. */
  key: string;
  prefix: string;
  scope: "agent" | "read";
}

export async function createApiKey({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: CreateApiKeyInput;
}): Promise<CreatedApiKey> {
  const data = CreateApiKeyInput.parse(input);
  if (data.enroll_until !== null && Date.parse(data.enroll_until) <= Date.now()) {
    throw new AppError("VALIDATION", "enroll_until must lie ahead: a key past it registers no server", {
      field: "enroll_until",
    });
  }
  const key = generateApiKey();
  const hash = await hashApiKey(key);
  const rows = await ctx.sql<{ id: string }[]>`
    insert into public.api_keys (org_id, name, prefix, secret_hash, scope, created_by, max_servers, enroll_until)
    select ${data.org_id}, ${data.name}, ${visiblePrefix(key)}, ${hash}, ${data.scope}, ${data.created_by ?? null},
           ${data.max_servers}, ${data.enroll_until}
    where exists (select 1 from public.organizations where id = ${data.org_id})
    returning id`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", `organization ${data.org_id} not found`, { field: "org_id" });
  return { id: row.id, key, prefix: visiblePrefix(key), scope: data.scope };
}
