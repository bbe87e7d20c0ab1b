import type { OkResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const DeleteServerInput = z.strictObject({ org_id: z.uuid(), server_id: z.uuid() });
export type DeleteServerInput = z.input<typeof DeleteServerInput>;

/**
 * An admin deletes a server with its monitors, series, incidents (cascade). Its raw samples and
 * rollups have no foreign key and leave with their partitions. The agent's key still works: a
 * running agent re-registers as a new server unless its key is revoked too.
 */
export async function deleteServer({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql" | "approvedServers" | "series">;
  caller: CallerClaims;
  input: DeleteServerInput;
}): Promise<OkResponse> {
  const { org_id, server_id } = parseInput(DeleteServerInput, input);
  await inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const rows =
      await tx`delete from public.servers where id = ${server_id} and org_id = ${org_id} returning id`;
    if (!rows[0]) throw new AppError("NOT_FOUND", `server ${server_id} not found`, { field: "server_id" });
  });
  ctx.approvedServers.delete(server_id);
  ctx.series.forgetServer(server_id);
  return { ok: true };
}
