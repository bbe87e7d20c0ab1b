import type { AlertRuleList } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectAlertRules } from "./view.ts";

export const ListAlertRulesInput = z.strictObject({ org_id: z.uuid() });
export type ListAlertRulesInput = z.input<typeof ListAlertRulesInput>;

export async function listAlertRules({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListAlertRulesInput;
}): Promise<AlertRuleList> {
  const { org_id } = parseInput(ListAlertRulesInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => ({
    alert_rules: await selectAlertRules(tx, org_id, tx``),
  }));
}
