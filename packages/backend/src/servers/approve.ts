import { z } from "zod";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";

export const ApproveServerInput = z.strictObject({ server_id: z.uuid(), org_id: z.uuid() });
export type ApproveServerInput = z.input<typeof ApproveServerInput>;

export async function approveServer({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: ApproveServerInput;
}): Promise<void> {
  const data = ApproveServerInput.parse(input);
  const rows = await ctx.sql`
    update public.servers set approval = 'approved', updated_at = now()
    where id = ${data.server_id} and org_id = ${data.org_id} returning id`;
  if (!rows[0]) throw new AppError("NOT_FOUND", `server ${data.server_id} not found`, { field: "server_id" });
}
