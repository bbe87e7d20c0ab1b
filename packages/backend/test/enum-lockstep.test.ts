import {
  AgentAlert,
  CHANNEL_KINDS,
  CheckStatus,
  IncidentItem,
  IncidentStatus,
  MonitorDetail,
  MonitorTestStatus,
  OutboxStatus,
  RepeatMode,
  ServerApproval,
  ServerState,
  Severity,
} from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyScope } from "../src/api-keys/schemas.ts";
import { setup } from "./harness.ts";

let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup();
});
afterAll(() => h?.close());

/**
 * The values a column stores are listed twice: in the migrations (an enum, or a text column's
 * check) and in the contract the API answers with (@custos/protocol's zod enums). A value added
 * on one side only is a 500 (a row the contract refuses) or a 400/23514 (a value the database
 * refuses); this names it. The order of public.org_role is checked in dashboard/members.test.ts.
 */
const SAME_VALUES: [string, readonly string[]][] = [
  ["public.channel_kind", CHANNEL_KINDS],
  ["public.check_status", CheckStatus.options],
  ["public.incident_status", IncidentStatus.options],
  ["public.outbox_status", OutboxStatus.options],
  ["public.server_approval", ServerApproval.options],
  ["public.severity", Severity.options],
  ["public.api_key_scope", ApiKeyScope.options],
  ["public.alert_rules.repeat_mode", RepeatMode.options],
  ["public.incidents.kind", IncidentItem.shape.kind.options],
  ["public.monitors.source", MonitorDetail.shape.source.options],
  ["public.monitors.state", MonitorDetail.shape.state.options],
  ["public.agent_alerts.state", AgentAlert.shape.state.options],
  ["public.monitor_test_runs.status", MonitorTestStatus.options],
];

async function databaseValues(name: string): Promise<string[]> {
  const [schema, table, column] = name.split(".");
  if (!column) {
    const [row] = await h.sql<{ labels: string[] }[]>`
      select array_agg(e.enumlabel order by e.enumsortorder)::text[] as labels
      from pg_enum e join pg_type t on t.oid = e.enumtypid join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = ${schema as string} and t.typname = ${table as string}`;
    return row?.labels ?? [];
  }
  // a text column whose check lists its values, `check (column in ('a', 'b'))`
  const [row] = await h.sql<{ def: string }[]>`
    select pg_get_constraintdef(c.oid) as def
    from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.conrelid = ${`${schema}.${table}`}::regclass and c.contype = 'c' and a.attname = ${column}
      and cardinality(c.conkey) = 1 and pg_get_constraintdef(c.oid) like '%= ANY (ARRAY[%'`;
  return [...(row?.def ?? "").matchAll(/'([^']*)'::text/g)].map((m) => m[1] as string);
}

describe("values the database and the contract both list", () => {
  it.each(SAME_VALUES)("%s has the contract's values, no more and no fewer", async (name, contract) => {
    const stored = await databaseValues(name);
    expect(stored.length, `${name} not found`).toBeGreaterThan(0);
    expect([...stored].sort()).toEqual([...contract].sort());
  });

  it("a server's state is its status, or pending while it waits for approval", async () => {
    const stored = await databaseValues("public.server_status");
    expect([...stored, "pending"].sort()).toEqual([...ServerState.options].sort());
  });
});
