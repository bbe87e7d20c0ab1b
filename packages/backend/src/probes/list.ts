import type { ProbeList } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectProbes } from "./view.ts";

export const ListProbesInput = z.strictObject({ org_id: z.uuid() });
export type ListProbesInput = z.input<typeof ListProbesInput>;

export async function listProbes({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListProbesInput;
}): Promise<ProbeList> {
  const { org_id } = parseInput(ListProbesInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => ({
    probes: await selectProbes(tx, org_id, tx``),
  }));
}
