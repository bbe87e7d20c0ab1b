import type { ServerConfigView } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { ServerConfigReportsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { serverConfig } from "./effective.ts";

export const ServerConfigInput = z.strictObject({ org_id: z.uuid(), server_id: z.uuid() });
export type ServerConfigInput = z.input<typeof ServerConfigInput>;

/**
 * A server's effective configuration with where each entry came from, and what its agent last
 * reported: the version it runs, a refusal and its reason, the monitors its agent.yaml defines.
 */
export async function serverMonitorConfig({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ServerConfigInput;
}): Promise<ServerConfigView> {
  const { org_id, server_id } = parseInput(ServerConfigInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const config = await serverConfig(tx, org_id, server_id);
    if (!config) throw new AppError("NOT_FOUND", `server ${server_id} not found`, { field: "server_id" });
    const [report] = await tx<ServerConfigReportsRow[]>`
      select * from public.server_config_reports where server_id = ${server_id} and org_id = ${org_id}`;
    return {
      server_id,
      tags: config.tags,
      version: config.version,
      monitors: config.monitors,
      thresholds: config.thresholds,
      agent: report
        ? {
            applied_version: report.applied_version,
            refused_version: report.refused_version,
            refused_reason: report.refused_reason,
            local_monitors: report.local_monitors,
            reported_at: report.reported_at.toISOString(),
          }
        : null,
      in_sync: report?.applied_version === config.version,
    };
  });
}
