import { type ProbeItem, UpdateProbeRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { ProbeConfig } from "./schemas.ts";
import { readProbe } from "./view.ts";

export const UpdateProbeInput = z.strictObject({
  org_id: z.uuid(),
  probe_id: z.uuid(),
  changes: UpdateProbeRequest,
});
export type UpdateProbeInput = z.input<typeof UpdateProbeInput>;

/** A member changes a probe; a new interval keeps the probe's phase offset within it. */
export async function updateProbe({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: UpdateProbeInput;
}): Promise<ProbeItem> {
  const { org_id, probe_id, changes } = parseInput(UpdateProbeInput, input);
  const config =
    changes.config === undefined
      ? undefined
      : parseInput(z.object({ config: ProbeConfig }), { config: changes.config }).config;
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    await readProbe(tx, org_id, probe_id);
    await tx`
      update public.monitors set
        name = coalesce(${changes.name ?? null}, name),
        enabled = coalesce(${changes.enabled ?? null}, enabled),
        failures_to_open = coalesce(${changes.failures_to_open ?? null}, failures_to_open),
        successes_to_resolve = coalesce(${changes.successes_to_resolve ?? null}, successes_to_resolve),
        config = coalesce(${config === undefined ? null : tx.json(config as never)}::jsonb, config),
        type = coalesce(${config?.kind ?? null}, type),
        interval_seconds = coalesce(${changes.interval_seconds ?? null}, interval_seconds),
        next_run_at = case when ${changes.interval_seconds ?? null}::int is null then next_run_at
                           else now() + make_interval(secs => abs(hashtext(id::text)) % ${changes.interval_seconds ?? 60}) end
      where id = ${probe_id} and org_id = ${org_id} and source = 'probe'`;
    return readProbe(tx, org_id, probe_id);
  });
}
