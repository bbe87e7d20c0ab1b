import { type AlertRuleItem, CreateAlertRuleRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { AlertRulesRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { checkChannelIds, readAlertRule } from "./view.ts";

export const CreateAlertRuleInput = z.strictObject({ org_id: z.uuid(), rule: CreateAlertRuleRequest });
export type CreateAlertRuleInput = z.input<typeof CreateAlertRuleInput>;

/** An admin adds a routing rule (as the caller: "admins manage alert rules"). */
export async function createAlertRule({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: CreateAlertRuleInput;
}): Promise<AlertRuleItem> {
  const { org_id, rule } = parseInput(CreateAlertRuleInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    await checkChannelIds(tx, org_id, rule.channel_ids, "channel_ids");
    await checkChannelIds(tx, org_id, rule.escalation_channel_ids, "escalation_channel_ids");
    const [row] = await tx<Pick<AlertRulesRow, "id">[]>`
      insert into public.alert_rules (org_id, name, min_severity, channel_ids, escalate_after_minutes,
        escalation_channel_ids, repeat_mode, repeat_every_minutes, notify_restored, enabled)
      values (${org_id}, ${rule.name}, ${rule.min_severity}, ${rule.channel_ids}::uuid[], ${rule.escalate_after_minutes},
        ${rule.escalation_channel_ids}::uuid[], ${rule.repeat_mode}, ${rule.repeat_every_minutes}, ${rule.notify_restored},
        ${rule.enabled})
      returning id`;
    return readAlertRule(tx, org_id, (row as NonNullable<typeof row>).id);
  });
}
