import type { OkResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const DeleteProbeInput = z.strictObject({ org_id: z.uuid(), probe_id: z.uuid() });
export type DeleteProbeInput = z.input<typeof DeleteProbeInput>;

/** Deletes the probe with its incidents (cascade); its past results leave with their partitions. */
export async function deleteProbe({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: DeleteProbeInput;
}): Promise<OkResponse> {
  const { org_id, probe_id } = parseInput(DeleteProbeInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    const rows = await tx`
      delete from public.monitors where id = ${probe_id} and org_id = ${org_id} and source = 'probe' returning id`;
    if (!rows[0]) throw new AppError("NOT_FOUND", `probe ${probe_id} not found`, { field: "probe_id" });
    return { ok: true as const };
  });
}
