import { type MaintenanceWindowItem, UpdateMaintenanceWindowRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { readWindow } from "./view.ts";

export const UpdateWindowInput = z.strictObject({
  org_id: z.uuid(),
  window_id: z.uuid(),
  changes: UpdateMaintenanceWindowRequest,
});
export type UpdateWindowInput = z.input<typeof UpdateWindowInput>;

/** Move or end a window early (set ends_at to now), or change its reason or public title. */
export async function updateMaintenanceWindow({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: UpdateWindowInput;
}): Promise<MaintenanceWindowItem> {
  const { org_id, window_id, changes } = parseInput(UpdateWindowInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    const current = await readWindow(tx, org_id, window_id);
    const starts = changes.starts_at ?? current.starts_at;
    const ends = changes.ends_at ?? current.ends_at;
    if (Date.parse(ends) <= Date.parse(starts)) {
      throw new AppError("VALIDATION", "ends_at: must be after starts_at", { field: "ends_at" });
    }
    const reasonGiven = changes.reason !== undefined;
    const titleGiven = changes.public_title !== undefined;
    await tx`
      update public.maintenance_windows set starts_at = ${starts}, ends_at = ${ends},
        reason = case when ${reasonGiven} then ${changes.reason ?? null} else reason end,
        public_title = case when ${titleGiven} then ${changes.public_title ?? null} else public_title end
      where id = ${window_id} and org_id = ${org_id}`;
    return readWindow(tx, org_id, window_id);
  });
}
