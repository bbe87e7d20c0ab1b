import type { OkResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const DeleteAlertRuleInput = z.strictObject({ org_id: z.uuid(), rule_id: z.uuid() });
export type DeleteAlertRuleInput = z.input<typeof DeleteAlertRuleInput>;

export async function deleteAlertRule({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: DeleteAlertRuleInput;
}): Promise<OkResponse> {
  const { org_id, rule_id } = parseInput(DeleteAlertRuleInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const rows =
      await tx`delete from public.alert_rules where id = ${rule_id} and org_id = ${org_id} returning id`;
    if (!rows[0]) throw new AppError("NOT_FOUND", `alert rule ${rule_id} not found`, { field: "rule_id" });
    return { ok: true as const };
  });
}
