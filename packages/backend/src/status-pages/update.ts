import { type StatusPageItem, UpdateStatusPageRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, isUniqueViolation } from "../orgs/access.ts";
import { checkMonitorIds, checkServerIds, readStatusPage, SLUG_TAKEN } from "./view.ts";

export const UpdateStatusPageInput = z.strictObject({
  org_id: z.uuid(),
  page_id: z.uuid(),
  changes: UpdateStatusPageRequest,
});
export type UpdateStatusPageInput = z.input<typeof UpdateStatusPageInput>;

export async function updateStatusPage({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: UpdateStatusPageInput;
}): Promise<StatusPageItem> {
  const { org_id, page_id, changes } = parseInput(UpdateStatusPageInput, input);
  try {
    return await inOrg(ctx, caller, org_id, "admin", async (tx) => {
      await readStatusPage(tx, org_id, page_id);
      if (changes.monitor_ids) await checkMonitorIds(tx, org_id, changes.monitor_ids);
      if (changes.server_ids) await checkServerIds(tx, org_id, changes.server_ids);
      await tx`
        update public.status_pages set
          slug = coalesce(${changes.slug ?? null}, slug),
          title = coalesce(${changes.title ?? null}, title),
          monitor_ids = coalesce(${changes.monitor_ids ?? null}::uuid[], monitor_ids),
          server_ids = coalesce(${changes.server_ids ?? null}::uuid[], server_ids),
          enabled = coalesce(${changes.enabled ?? null}, enabled),
          updated_at = now()
        where id = ${page_id} and org_id = ${org_id}`;
      return readStatusPage(tx, org_id, page_id);
    });
  } catch (error) {
    if (isUniqueViolation(error, "status_pages_slug_key")) throw SLUG_TAKEN;
    throw error;
  }
}
