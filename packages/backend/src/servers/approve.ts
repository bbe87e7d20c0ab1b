import type { ServerInfo } from "@custos/protocol";
import { z } from "zod";
import type { Queryable } from "../db/queryable.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { readServer, toServerInfo } from "./view.ts";

export const ApproveServerInput = z.strictObject({ org_id: z.uuid(), server_id: z.uuid() });
export type ApproveServerInput = z.input<typeof ApproveServerInput>;

/**
 * Approves a pending server: its data is accepted from the next request on. Runs on the handle it
 * is given: an admin's in the dashboard (the "admins manage servers" policy applies) or service
 * access.
 */
export async function approveServer({
  ctx,
  input,
}: {
  ctx: { sql: Queryable };
  input: ApproveServerInput;
}): Promise<ServerInfo> {
  const { org_id, server_id } = parseInput(ApproveServerInput, input);
  const rows = await ctx.sql`
    update public.servers set approval = 'approved', updated_at = now()
    where id = ${server_id} and org_id = ${org_id} returning id`;
  if (!rows[0]) throw new AppError("NOT_FOUND", `server ${server_id} not found`, { field: "server_id" });
  return toServerInfo(await readServer(ctx.sql, org_id, server_id));
}
