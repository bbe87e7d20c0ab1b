import type { AlertRuleItem } from "@custos/protocol";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { AlertRulesRow, ChannelsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso } from "../orgs/access.ts";

export async function selectAlertRules(
  tx: TransactionSql,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<AlertRuleItem[]> {
  const rows = await tx<
    Pick<
      AlertRulesRow,
      | "id"
      | "name"
      | "min_severity"
      | "channel_ids"
      | "escalate_after_minutes"
      | "escalation_channel_ids"
      | "repeat_mode"
      | "repeat_every_minutes"
      | "notify_restored"
      | "enabled"
      | "created_at"
    >[]
  >`
    select id, name, min_severity, channel_ids::text[] as channel_ids, escalate_after_minutes,
           escalation_channel_ids::text[] as escalation_channel_ids, repeat_mode, repeat_every_minutes,
           notify_restored, enabled, created_at
    from public.alert_rules r
    where r.org_id = ${orgId} ${where}
    order by lower(r.name), r.id`;
  return rows.map((r) => ({ ...r, created_at: iso(r.created_at) }));
}

export async function readAlertRule(
  tx: TransactionSql,
  orgId: string,
  ruleId: string,
): Promise<AlertRuleItem> {
  const [rule] = await selectAlertRules(tx, orgId, tx`and r.id = ${ruleId}`);
  if (!rule) throw new AppError("NOT_FOUND", `alert rule ${ruleId} not found`, { field: "rule_id" });
  return rule;
}

/** Every channel id must be a channel of this organization; the error names the offending index. */
export async function checkChannelIds(
  tx: TransactionSql,
  orgId: string,
  ids: string[],
  field: "channel_ids" | "escalation_channel_ids",
): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx<Pick<ChannelsRow, "id">[]>`
    select id from public.channels where org_id = ${orgId} and id = any (${ids}::uuid[])`;
  const known = new Set(found.map((r) => r.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) {
    throw new AppError("VALIDATION", `${field}.${missing}: no such channel in this organization`, {
      field: `${field}.${missing}`,
    });
  }
}
