import type { StatusPageList } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectStatusPages } from "./view.ts";

export const ListStatusPagesInput = z.strictObject({ org_id: z.uuid() });
export type ListStatusPagesInput = z.input<typeof ListStatusPagesInput>;

export async function listStatusPages({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListStatusPagesInput;
}): Promise<StatusPageList> {
  const { org_id } = parseInput(ListStatusPagesInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => ({
    status_pages: await selectStatusPages(tx, org_id, tx``),
  }));
}
