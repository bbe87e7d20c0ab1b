import { CreateStatusPageRequest, type StatusPageItem } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { StatusPagesRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, isUniqueViolation } from "../orgs/access.ts";
import { checkMonitorIds, checkServerIds, readStatusPage, SLUG_TAKEN } from "./view.ts";

export const CreateStatusPageInput = z.strictObject({ org_id: z.uuid(), page: CreateStatusPageRequest });
export type CreateStatusPageInput = z.input<typeof CreateStatusPageInput>;

/** An admin publishes chosen servers and monitors under a slug (as the caller: "admins manage status pages"). */
export async function createStatusPage({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: CreateStatusPageInput;
}): Promise<StatusPageItem> {
  const { org_id, page } = parseInput(CreateStatusPageInput, input);
  try {
    return await inOrg(ctx, caller, org_id, "admin", async (tx) => {
      await checkMonitorIds(tx, org_id, page.monitor_ids);
      await checkServerIds(tx, org_id, page.server_ids);
      const [row] = await tx<Pick<StatusPagesRow, "id">[]>`
        insert into public.status_pages (org_id, slug, title, monitor_ids, server_ids, enabled)
        values (${org_id}, ${page.slug}, ${page.title}, ${page.monitor_ids}::uuid[], ${page.server_ids}::uuid[], ${page.enabled})
        returning id`;
      return readStatusPage(tx, org_id, (row as NonNullable<typeof row>).id);
    });
  } catch (error) {
    if (isUniqueViolation(error, "status_pages_slug_key")) throw SLUG_TAKEN;
    throw error;
  }
}
