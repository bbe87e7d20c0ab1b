import { type ChannelItem, UpdateChannelRequest } from "@custos/protocol";
import type { TransactionSql } from "postgres";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { ChannelSecretsRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { SETTINGS_BY_KIND } from "../notify/index.ts";
import { inOrg } from "../orgs/access.ts";
import { readChannel } from "./view.ts";

export const UpdateChannelInput = z.strictObject({
  org_id: z.uuid(),
  channel_id: z.uuid(),
  changes: UpdateChannelRequest,
});
export type UpdateChannelInput = z.input<typeof UpdateChannelInput>;

/** An admin renames, enables/disables, replaces a channel's config, or changes keys of its secret
 * (validated for the channel's kind, which cannot change). */
export async function updateChannel({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: UpdateChannelInput;
}): Promise<ChannelItem> {
  const { org_id, channel_id, changes } = parseInput(UpdateChannelInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const current = await readChannel(tx, org_id, channel_id);
    const schemas = SETTINGS_BY_KIND[current.kind];
    const config =
      changes.config === undefined
        ? undefined
        : parseInput(z.object({ config: schemas.config }), { config: changes.config }).config;
    const secret =
      changes.secret === undefined
        ? undefined
        : parseInput(z.object({ secret: schemas.secret }), {
            secret: mergeSecret(await readSecret(tx, org_id, channel_id), changes.secret),
          }).secret;
    await tx`
      update public.channels set
        name = coalesce(${changes.name ?? null}, name),
        enabled = coalesce(${changes.enabled ?? null}, enabled),
        config = coalesce(${config === undefined ? null : tx.json(config as never)}::jsonb, config)
      where id = ${channel_id} and org_id = ${org_id}`;
    if (secret !== undefined) {
      await tx`
        insert into public.channel_secrets (channel_id, org_id, secret)
        values (${channel_id}, ${org_id}, ${tx.json(secret as never)})
        on conflict (channel_id) do update set secret = excluded.secret`;
    }
    return readChannel(tx, org_id, channel_id);
  });
}

/** The stored secret (admins may read it under RLS; it is never answered). */
async function readSecret(
  tx: TransactionSql,
  orgId: string,
  channelId: string,
): Promise<Record<string, unknown>> {
  const [row] = await tx<Pick<ChannelSecretsRow, "secret">[]>`
    select secret from public.channel_secrets where channel_id = ${channelId} and org_id = ${orgId}`;
  return (row?.secret as Record<string, unknown> | undefined) ?? {};
}

/**
 * The secret after a change: the keys given replace the stored ones, `null` removes one, keys left
 * out keep their stored value. The dashboard never shows a secret back, so an edit form leaves
 * a secret field empty to keep it (sms: a new auth_token without retyping the account_sid).
 */
export function mergeSecret(
  stored: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  // a Map, not object assignment: a key named __proto__ stays a key (and the schema refuses it)
  const merged = new Map(Object.entries(stored));
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return Object.fromEntries(merged);
}
