import { type IncidentList, IncidentsQuery } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectIncidents } from "./view.ts";

export const ListIncidentsInput = z.strictObject({ org_id: z.uuid(), query: IncidentsQuery });
export type ListIncidentsInput = z.input<typeof ListIncidentsInput>;

/** Newest first, a page at a time (`before` = the previous page's next_before). */
export async function listIncidents({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListIncidentsInput;
}): Promise<IncidentList> {
  const { org_id, query } = parseInput(ListIncidentsInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const status =
      query.status === "all"
        ? tx``
        : query.status === "active"
          ? tx`and i.resolved_at is null`
          : tx`and i.status = ${query.status}`;
    const before = query.before ? tx`and i.opened_at < ${query.before}` : tx``;
    const server = query.server_id ? tx`and i.server_id = ${query.server_id}` : tx``;
    const incidents = await selectIncidents(tx, org_id, tx`${status} ${before} ${server}`, query.limit);
    const last = incidents.at(-1);
    return {
      incidents,
      next_before: incidents.length === query.limit && last ? last.opened_at : null,
    };
  });
}
