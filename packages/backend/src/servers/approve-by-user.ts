import type { ServerInfo } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, txSql } from "../orgs/access.ts";
import { approveServer } from "./approve.ts";
import { readServer, toServerInfo } from "./view.ts";

export const ServerByUserInput = z.strictObject({ org_id: z.uuid(), server_id: z.uuid() });
export type ServerByUserInput = z.input<typeof ServerByUserInput>;

/** An admin approves a pending server: its data is accepted from the next request on. The spine's
 * verb runs in the caller's transaction, so the "admins manage servers" policy applies. */
export async function approveServerByUser({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ServerByUserInput;
}): Promise<ServerInfo> {
  const { org_id, server_id } = parseInput(ServerByUserInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    await approveServer({ ctx: { sql: txSql(tx) }, input: { org_id, server_id } });
    return toServerInfo(await readServer(tx, org_id, server_id));
  });
}
