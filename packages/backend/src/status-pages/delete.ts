import type { OkResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const DeleteStatusPageInput = z.strictObject({ org_id: z.uuid(), page_id: z.uuid() });
export type DeleteStatusPageInput = z.input<typeof DeleteStatusPageInput>;

export async function deleteStatusPage({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: DeleteStatusPageInput;
}): Promise<OkResponse> {
  const { org_id, page_id } = parseInput(DeleteStatusPageInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const rows =
      await tx`delete from public.status_pages where id = ${page_id} and org_id = ${org_id} returning id`;
    if (!rows[0]) throw new AppError("NOT_FOUND", `status page ${page_id} not found`, { field: "page_id" });
    return { ok: true as const };
  });
}
