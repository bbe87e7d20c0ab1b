import { type MaintenanceWindowList, MaintenanceWindowsQuery } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectWindows } from "./view.ts";

export const ListWindowsInput = z.strictObject({ org_id: z.uuid(), query: MaintenanceWindowsQuery });
export type ListWindowsInput = z.input<typeof ListWindowsInput>;

export async function listMaintenanceWindows({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListWindowsInput;
}): Promise<MaintenanceWindowList> {
  const { org_id, query } = parseInput(ListWindowsInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const when =
      query.when === "upcoming"
        ? tx`and w.ends_at > now()`
        : query.when === "past"
          ? tx`and w.ends_at <= now()`
          : tx``;
    return { maintenance_windows: await selectWindows(tx, org_id, when) };
  });
}
