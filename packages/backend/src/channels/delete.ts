import type { OkResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const ChannelByUserInput = z.strictObject({ org_id: z.uuid(), channel_id: z.uuid() });
export type ChannelByUserInput = z.input<typeof ChannelByUserInput>;

/** An admin deletes a channel; alert rules stop referring to it in the same transaction. */
export async function deleteChannel({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ChannelByUserInput;
}): Promise<OkResponse> {
  const { org_id, channel_id } = parseInput(ChannelByUserInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const rows =
      await tx`delete from public.channels where id = ${channel_id} and org_id = ${org_id} returning id`;
    if (!rows[0]) throw new AppError("NOT_FOUND", `channel ${channel_id} not found`, { field: "channel_id" });
    await tx`
      update public.alert_rules set
        channel_ids = array_remove(channel_ids, ${channel_id}::uuid),
        escalation_channel_ids = array_remove(escalation_channel_ids, ${channel_id}::uuid)
      where org_id = ${org_id}
        and (${channel_id}::uuid = any (channel_ids) or ${channel_id}::uuid = any (escalation_channel_ids))`;
    return { ok: true as const };
  });
}
