import type { OkResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const DeleteWindowInput = z.strictObject({ org_id: z.uuid(), window_id: z.uuid() });
export type DeleteWindowInput = z.input<typeof DeleteWindowInput>;

export async function deleteMaintenanceWindow({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: DeleteWindowInput;
}): Promise<OkResponse> {
  const { org_id, window_id } = parseInput(DeleteWindowInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    const rows = await tx`
      delete from public.maintenance_windows where id = ${window_id} and org_id = ${org_id} returning id`;
    if (!rows[0])
      throw new AppError("NOT_FOUND", `maintenance window ${window_id} not found`, { field: "window_id" });
    return { ok: true as const };
  });
}
