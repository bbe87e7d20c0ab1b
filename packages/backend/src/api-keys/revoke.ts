import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { RevokeApiKeyInput } from "./schemas.ts";

/** Revokes a key; this process forgets it at once, others within `apiKeyCacheMs`. */
export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql" | "keys">;
  input: RevokeApiKeyInput;
}) {
  const data = RevokeApiKeyInput.parse(input);
  const rows = await ctx.sql<{ id: string }[]>`
    update public.api_keys set revoked_at = coalesce(revoked_at, now())
    where id = ${data.key_id} and org_id = ${data.org_id}
    returning id`;
  if (!rows[0]) throw new AppError("NOT_FOUND", `API key ${data.key_id} not found`, { field: "key_id" });
  ctx.keys.forgetKeyId(data.key_id);
}
