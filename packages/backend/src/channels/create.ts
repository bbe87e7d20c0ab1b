import { type ChannelItem, CreateChannelRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { ChannelsRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { ChannelSettings } from "../notify/index.ts";
import { inOrg } from "../orgs/access.ts";
import { requireRoomForChannel } from "../plans/room.ts";
import { readChannel } from "./view.ts";

export const CreateChannelInput = z.strictObject({ org_id: z.uuid(), channel: CreateChannelRequest });
export type CreateChannelInput = z.input<typeof CreateChannelInput>;

/**
 * An admin adds a channel. Settings are validated per kind by the notifiers' own schemas (errors
 * name e.g. `config.to.0`). Channel and secret are inserted as the caller: the policies "admins
 * manage channels" and "admins read and manage channel secrets" are exactly the rule wanted.
 */
export async function createChannel({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: CreateChannelInput;
}): Promise<ChannelItem> {
  const { org_id, channel } = parseInput(CreateChannelInput, input);
  const settings = parseInput(ChannelSettings, {
    kind: channel.kind,
    config: channel.config,
    secret: channel.secret,
  });
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    // channels of this kind within the plan's channel_limits (402 PLAN_LIMIT)
    await requireRoomForChannel(tx, org_id, settings.kind);
    const [row] = await tx<Pick<ChannelsRow, "id">[]>`
      insert into public.channels (org_id, name, kind, config, enabled)
      values (${org_id}, ${channel.name}, ${settings.kind}, ${tx.json(settings.config as never)}, ${channel.enabled})
      returning id`;
    const id = (row as NonNullable<typeof row>).id;
    await tx`
      insert into public.channel_secrets (channel_id, org_id, secret)
      values (${id}, ${org_id}, ${tx.json(settings.secret as never)})`;
    return readChannel(tx, org_id, id);
  });
}
