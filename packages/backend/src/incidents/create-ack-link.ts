import { NotificationChannelKind } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { parseInput } from "../http/body.ts";
import { ACK_LINK_TTL_HOURS, generateAckToken, hashAckToken } from "./ack-token.ts";

export const CreateAckLinkInput = z.strictObject({
  incident_id: z.uuid(),
  // a bigint column: postgres.js reads it as a string
  outbox_id: z.union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]{0,18}$/)]),
  channel_kind: NotificationChannelKind,
});
export type CreateAckLinkInput = z.input<typeof CreateAckLinkInput>;

/**
 * A new acknowledge token for one page (one outbox row, one channel): returned once to go into
 * the message, stored as its hash. A retried page gets a new token and the earlier one stays
 * valid, because a partly delivered attempt (an SMS that reached one of two numbers) may already
 * have put it in front of someone.
 */
export async function createAckLink({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: CreateAckLinkInput;
}): Promise<string> {
  const data = parseInput(CreateAckLinkInput, input);
  const token = generateAckToken();
  const hash = await hashAckToken(token);
  await ctx.sql`
    insert into private.ack_links (token_hash, incident_id, outbox_id, channel_kind, expires_at)
    values (${hash}, ${data.incident_id}, ${data.outbox_id}, ${data.channel_kind},
            now() + ${`${ACK_LINK_TTL_HOURS} hours`}::interval)`;
  // links expired for a day are only clutter; until then a click says "expired", not "invalid"
  await ctx.sql`delete from private.ack_links where expires_at < now() - interval '1 day'`;
  return token;
}
