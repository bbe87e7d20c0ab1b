import type { ChannelList } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectChannels } from "./view.ts";

export const ListChannelsInput = z.strictObject({ org_id: z.uuid() });
export type ListChannelsInput = z.input<typeof ListChannelsInput>;

/** Any member may see the channels (names for alert rules, config); secrets never leave. */
export async function listChannels({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListChannelsInput;
}): Promise<ChannelList> {
  const { org_id } = parseInput(ListChannelsInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => ({
    channels: await selectChannels(tx, org_id, tx``),
  }));
}
