import type { ProbeItem } from "@custos/protocol";
import type { TransactionSql } from "postgres";
import type { z } from "zod";
import type { Queryable } from "../db/queryable.ts";
import type { MonitorsRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { requireRoomForProbe } from "../plans/room.ts";
import { CreateProbeInput } from "./schemas.ts";
import { readProbe } from "./view.ts";

/**
 * A backend probe is a monitor with source 'probe'. Runs on the handle it is given: a member's in
 * the dashboard ("members manage monitors") or service access. Its first run is offset by a hash
 * of its id within the interval, so a thousand probes with the same interval spread out instead of
 * firing together; later runs keep that phase.
 */
export async function createProbe({
  ctx,
  input,
}: {
  ctx: { sql: Queryable };
  input: CreateProbeInput;
}): Promise<ProbeItem> {
  const data = parseInput(CreateProbeInput, input);
  // the plan check and the insert share one transaction (the caller's, or one of our own)
  if ("begin" in ctx.sql) return ctx.sql.begin((tx) => insertProbe(tx, data)) as Promise<ProbeItem>;
  return insertProbe(ctx.sql, data);
}

async function insertProbe(sql: TransactionSql, data: z.output<typeof CreateProbeInput>): Promise<ProbeItem> {
  // backend probes within the plan's max_probes (402 PLAN_LIMIT)
  await requireRoomForProbe(sql, data.org_id);
  const [row] = await sql<Pick<MonitorsRow, "id">[]>`
    insert into public.monitors (org_id, source, name, type, config, interval_seconds, failures_to_open, successes_to_resolve, next_run_at)
    values (${data.org_id}, 'probe', ${data.name}, ${data.config.kind}, ${sql.json(data.config)}, ${data.interval_seconds},
            ${data.failures_to_open}, ${data.successes_to_resolve}, now())
    returning id`;
  const id = (row as NonNullable<typeof row>).id;
  await sql`
    update public.monitors set next_run_at = now() + make_interval(secs => abs(hashtext(id::text)) % interval_seconds)
    where id = ${id}`;
  return readProbe(sql, data.org_id, id);
}
