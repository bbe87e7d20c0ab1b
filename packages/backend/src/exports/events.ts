import { type AgentEventExportRow, AgentEventsExportQuery, EVENTS_EXPORT_LIMITS } from "@custos/protocol";
import { z } from "zod";
import { oneRowPerOutage, selectAgentEvents } from "../agent-events/list.ts";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, iso } from "../orgs/access.ts";
import { readServer } from "../servers/view.ts";
import type { Column } from "./csv.ts";

export const ExportAgentEventsInput = z.strictObject({ org_id: z.uuid(), query: AgentEventsExportQuery });
export type ExportAgentEventsInput = z.input<typeof ExportAgentEventsInput>;

/** Seed 000's outage CSV: start, end and duration first, then what and where. */
export const EVENT_COLUMNS: readonly Column<AgentEventExportRow>[] = [
  { header: "occurred_at", cell: (r) => r.occurred_at },
  { header: "kind", cell: (r) => r.kind },
  { header: "server", cell: (r) => r.server },
  { header: "monitor", cell: (r) => r.monitor },
  { header: "started_at", cell: (r) => r.started_at },
  { header: "ended_at", cell: (r) => r.ended_at },
  { header: "duration_seconds", cell: (r) => r.duration_seconds },
  { header: "message", cell: (r) => r.message },
  { header: "targets", cell: (r) => r.targets.join(" ") },
  { header: "server_id", cell: (r) => r.server_id },
  { header: "id", cell: (r) => r.id },
];

/**
 * The outage log of [from, to) (by occurred_at), oldest first, of the organization or one of its
 * servers, optionally one kind. Another organization's server is 404; more than
 * EVENTS_EXPORT_LIMITS.rows events is a 400 naming `from` (a cut file that looks complete would
 * be worse than a refusal, decision 0039).
 */
export async function exportAgentEvents({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ExportAgentEventsInput;
}): Promise<AgentEventExportRow[]> {
  const { org_id, query } = parseInput(ExportAgentEventsInput, input);
  const max = EVENTS_EXPORT_LIMITS.rows;
  const rows = await inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    if (query.server_id) await readServer(tx, org_id, query.server_id);
    return selectAgentEvents(
      tx,
      org_id,
      [
        query.server_id ? tx`and e.server_id = ${query.server_id}` : tx``,
        query.kind ? tx`and e.kind = ${query.kind}` : tx``,
        oneRowPerOutage(tx, query.kind),
        tx`and e.occurred_at >= ${query.from} and e.occurred_at < ${query.to}`,
      ],
      max + 1,
      "oldest",
    );
  });
  if (rows.length > max)
    throw new AppError("VALIDATION", `from: more than ${max} events in this range; export a shorter one`, {
      field: "from",
    });
  return rows.map((r) => {
    const targets = r.data?.targets;
    return {
      occurred_at: iso(r.occurred_at),
      kind: r.kind,
      server: r.server,
      monitor: r.monitor,
      started_at: r.started_at ? iso(r.started_at) : null,
      ended_at: r.ended_at ? iso(r.ended_at) : null,
      duration_seconds: r.duration_ms === null ? null : Number(r.duration_ms) / 1000,
      message: r.message,
      targets: Array.isArray(targets) ? targets.filter((t): t is string => typeof t === "string") : [],
      server_id: r.server_id,
      id: r.id,
    };
  });
}
