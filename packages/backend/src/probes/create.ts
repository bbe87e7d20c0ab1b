import type { ProbeItem } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import type { MonitorsRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
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
  const [row] = await ctx.sql<Pick<MonitorsRow, "id">[]>`
    insert into public.monitors (org_id, source, name, type, config, interval_seconds, failures_to_open, successes_to_resolve, next_run_at)
    values (${data.org_id}, 'probe', ${data.name}, ${data.config.kind}, ${ctx.sql.json(data.config)}, ${data.interval_seconds},
            ${data.failures_to_open}, ${data.successes_to_resolve}, now())
    returning id`;
  const id = (row as NonNullable<typeof row>).id;
  await ctx.sql`
    update public.monitors set next_run_at = now() + make_interval(secs => abs(hashtext(id::text)) % interval_seconds)
    where id = ${id}`;
  return readProbe(ctx.sql, data.org_id, id);
}
