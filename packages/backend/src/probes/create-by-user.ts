import { CreateProbeRequest, type ProbeItem } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, txSql } from "../orgs/access.ts";
import { createProbe } from "./create.ts";
import { ProbeConfig } from "./schemas.ts";
import { readProbe } from "./view.ts";

export const CreateProbeByUserInput = z.strictObject({ org_id: z.uuid(), probe: CreateProbeRequest });
export type CreateProbeByUserInput = z.input<typeof CreateProbeByUserInput>;

/** A member adds a backend probe (as the caller: "members manage monitors"); the config is
 * validated by the prober's own schema (errors name e.g. `config.url`). */
export async function createProbeByUser({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: CreateProbeByUserInput;
}): Promise<ProbeItem> {
  const { org_id, probe } = parseInput(CreateProbeByUserInput, input);
  const { config } = parseInput(z.object({ config: ProbeConfig }), { config: probe.config });
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    const { id } = await createProbe({
      ctx: { sql: txSql(tx) },
      input: {
        org_id,
        name: probe.name,
        interval_seconds: probe.interval_seconds,
        failures_to_open: probe.failures_to_open,
        successes_to_resolve: probe.successes_to_resolve,
        config,
      },
    });
    return readProbe(tx, org_id, id);
  });
}
