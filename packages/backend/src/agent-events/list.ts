import { type AgentEventItem, type AgentEventList, AgentEventsQuery } from "@custos/protocol";
import type { Fragment, TransactionSql } from "postgres";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, iso } from "../orgs/access.ts";
import { readServer } from "../servers/view.ts";

export const ListAgentEventsInput = z.strictObject({
  org_id: z.uuid(),
  /** one server's log; the organization's when absent */
  server_id: z.uuid().optional(),
  query: AgentEventsQuery,
});
export type ListAgentEventsInput = z.input<typeof ListAgentEventsInput>;

interface EventRow {
  id: string;
  server_id: string;
  server: string;
  kind: AgentEventItem["kind"];
  monitor: string;
  occurred_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  duration_ms: string | number | null;
  message: string;
  data: Record<string, unknown> | null;
  received_at: Date;
}

/**
 * The outage log (decision 0044): the agents' events of an organization or of one of its
 * servers, newest first, filtered by kind and time, a page at a time. Keyset paging on
 * (occurred_at, id), so events of the same instant are neither repeated nor skipped between
 * pages. Another organization's server is 404; RLS filters the rows as everywhere.
 */
export async function listAgentEvents({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListAgentEventsInput;
}): Promise<AgentEventList> {
  const { org_id, server_id, query } = parseInput(ListAgentEventsInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    if (server_id) await readServer(tx, org_id, server_id);
    const rows = await selectAgentEvents(
      tx,
      org_id,
      [
        server_id ? tx`and e.server_id = ${server_id}` : tx``,
        query.kind ? tx`and e.kind = ${query.kind}` : tx``,
        oneRowPerOutage(tx, query.kind),
        query.from ? tx`and e.occurred_at >= ${query.from}` : tx``,
        query.to ? tx`and e.occurred_at < ${query.to}` : tx``,
        query.before && query.before_id
          ? tx`and (e.occurred_at, e.id) < (${query.before}::timestamptz, ${query.before_id}::uuid)`
          : tx``,
      ],
      query.limit,
    );
    const events = rows.map(toItem);
    const last = events.at(-1);
    return {
      events,
      next: events.length === query.limit && last ? { before: last.occurred_at, before_id: last.id } : null,
    };
  });
}

/**
 * An outage that ended is one row: its "ended" event carries start, end and duration, so the
 * "started" event of the same outage (same server, monitor and start) is left out. An outage still
 * going on keeps its "started" row; asking for kind=outage_started lists every start.
 */
export function oneRowPerOutage(tx: TransactionSql, kind: string | undefined): Fragment {
  if (kind === "outage_started") return tx``;
  return tx`and not (e.kind = 'outage_started' and exists (
    select 1 from public.agent_events x
    where x.org_id = e.org_id and x.server_id = e.server_id and x.monitor = e.monitor
      and x.kind = 'outage_ended' and x.started_at = e.started_at))`;
}

export async function selectAgentEvents(
  tx: TransactionSql,
  orgId: string,
  filters: Fragment[],
  limit: number,
  order: "newest" | "oldest" = "newest",
): Promise<EventRow[]> {
  const where = filters.reduce((all, f) => tx`${all} ${f}`, tx``);
  const orderBy = order === "newest" ? tx`e.occurred_at desc, e.id desc` : tx`e.occurred_at, e.id`;
  return tx<EventRow[]>`
    select e.id, e.server_id, s.name as server, e.kind, e.monitor, e.occurred_at, e.started_at, e.ended_at,
           e.duration_ms, e.message, e.data, e.received_at
    from public.agent_events e
    join public.servers s on s.id = e.server_id and s.org_id = e.org_id
    where e.org_id = ${orgId} ${where}
    order by ${orderBy}
    limit ${limit}`;
}

export function toItem(row: EventRow): AgentEventItem {
  return {
    id: row.id,
    server_id: row.server_id,
    server: row.server,
    kind: row.kind,
    monitor: row.monitor,
    occurred_at: iso(row.occurred_at),
    started_at: row.started_at ? iso(row.started_at) : null,
    ended_at: row.ended_at ? iso(row.ended_at) : null,
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    message: row.message,
    data: row.data,
    received_at: iso(row.received_at),
  };
}
