import { type AlertRuleItem, alertRuleProblems, UpdateAlertRuleRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { checkChannelIds, readAlertRule } from "./view.ts";

export const UpdateAlertRuleInput = z.strictObject({
  org_id: z.uuid(),
  rule_id: z.uuid(),
  changes: UpdateAlertRuleRequest,
});
export type UpdateAlertRuleInput = z.input<typeof UpdateAlertRuleInput>;

/** An admin changes a rule; the merged rule must still be whole (e.g. repeat needs a period). */
export async function updateAlertRule({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: UpdateAlertRuleInput;
}): Promise<AlertRuleItem> {
  const { org_id, rule_id, changes } = parseInput(UpdateAlertRuleInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const current = await readAlertRule(tx, org_id, rule_id);
    const given = <K extends keyof typeof changes & keyof AlertRuleItem>(key: K) =>
      (changes[key] !== undefined ? changes[key] : current[key]) as AlertRuleItem[K];
    const next = {
      name: given("name"),
      min_severity: given("min_severity"),
      channel_ids: given("channel_ids"),
      escalate_after_minutes: given("escalate_after_minutes"),
      escalation_channel_ids: given("escalation_channel_ids"),
      repeat_mode: given("repeat_mode"),
      repeat_every_minutes: given("repeat_every_minutes"),
      notify_restored: given("notify_restored"),
      enabled: given("enabled"),
    };
    const [problem] = alertRuleProblems(next);
    if (problem) {
      throw new AppError("VALIDATION", `${problem.path}: ${problem.message}`, { field: problem.path });
    }
    if (changes.channel_ids) await checkChannelIds(tx, org_id, changes.channel_ids, "channel_ids");
    if (changes.escalation_channel_ids) {
      await checkChannelIds(tx, org_id, changes.escalation_channel_ids, "escalation_channel_ids");
    }
    await tx`
      update public.alert_rules set
        name = ${next.name}, min_severity = ${next.min_severity}, channel_ids = ${next.channel_ids}::uuid[],
        escalate_after_minutes = ${next.escalate_after_minutes},
        escalation_channel_ids = ${next.escalation_channel_ids}::uuid[], repeat_mode = ${next.repeat_mode},
        repeat_every_minutes = ${next.repeat_every_minutes}, notify_restored = ${next.notify_restored},
        enabled = ${next.enabled}
      where id = ${rule_id} and org_id = ${org_id}`;
    return readAlertRule(tx, org_id, rule_id);
  });
}
