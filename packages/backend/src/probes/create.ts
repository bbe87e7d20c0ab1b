import type { Ctx } from "../context.ts";
import { CreateProbeInput } from "./schemas.ts";

/**
 * A backend probe is a monitor with source 'probe'. Its first run is offset by a hash of its id
 * within the interval, so a thousand probes with the same interval spread out instead of firing
 * together; later runs keep that phase.
 */
export async function createProbe({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: CreateProbeInput;
}): Promise<{ id: string }> {
  const data = CreateProbeInput.parse(input);
  const [row] = await ctx.sql<{ id: string }[]>`
    insert into public.monitors (org_id, source, name, type, config, interval_seconds, failures_to_open, successes_to_resolve, next_run_at)
    values (${data.org_id}, 'probe', ${data.name}, ${data.config.kind}, ${ctx.sql.json(data.config)}, ${data.interval_seconds},
            ${data.failures_to_open}, ${data.successes_to_resolve}, now())
    returning id`;
  const id = (row as { id: string }).id;
  await ctx.sql`
    update public.monitors set next_run_at = now() + make_interval(secs => abs(hashtext(id::text)) % interval_seconds)
    where id = ${id}`;
  return { id };
}
