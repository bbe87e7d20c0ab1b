import type { ChannelItem } from "@custos/protocol";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { ChannelsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso } from "../orgs/access.ts";

/** Channels with their non-secret config; of the secret only which fields are set. */
export async function selectChannels(
  tx: TransactionSql,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<ChannelItem[]> {
  const rows = await tx<
    (Pick<ChannelsRow, "id" | "name" | "kind" | "enabled" | "created_at"> & {
      config: Record<string, unknown>;
      fields: string[] | null;
    })[]
  >`
    select c.id, c.name, c.kind, c.config, c.enabled, f.fields, c.created_at
    from public.channels c
    left join private.channel_secret_fields(${orgId}) f on f.channel_id = c.id
    where c.org_id = ${orgId} ${where}
    order by lower(c.name), c.id`;
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    kind: c.kind,
    config: c.config ?? {},
    enabled: c.enabled,
    has_secret: (c.fields?.length ?? 0) > 0,
    secret_fields: c.fields ?? [],
    created_at: iso(c.created_at),
  }));
}

export async function readChannel(
  tx: TransactionSql,
  orgId: string,
  channelId: string,
): Promise<ChannelItem> {
  const [channel] = await selectChannels(tx, orgId, tx`and c.id = ${channelId}`);
  if (!channel) throw new AppError("NOT_FOUND", `channel ${channelId} not found`, { field: "channel_id" });
  return channel;
}
