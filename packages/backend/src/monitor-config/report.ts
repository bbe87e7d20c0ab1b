import { ConfigReport } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { parseInput } from "../http/body.ts";
import { requireAgentServer } from "./agent-server.ts";

/**
 * POST /agent/config/report: the agent applied a version, or refused one and says why. An
 * applied version clears an older refusal (the dashboard shows the refusal until the agent runs
 * something newer); a refusal keeps the applied version, which the agent still runs.
 */
export async function reportAgentConfig({
  ctx,
  auth,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  auth: AuthenticatedKey;
  input: ConfigReport;
}): Promise<{ ok: true }> {
  const report = parseInput(ConfigReport, input);
  await requireAgentServer(ctx, auth, report.server_id);
  const applied = report.status === "applied";
  await ctx.sql`
    insert into public.server_config_reports as r
      (server_id, org_id, applied_version, refused_version, refused_reason, local_monitors, reported_at)
    values (${report.server_id}, ${auth.orgId},
            ${applied ? report.version : null}, ${applied ? null : report.version},
            ${applied ? null : (report.reason ?? null)}, ${report.local_monitors}, now())
    on conflict (server_id) do update set
      applied_version = case when ${applied}::boolean then excluded.applied_version else r.applied_version end,
      refused_version = case when ${applied}::boolean then null else excluded.refused_version end,
      refused_reason = case when ${applied}::boolean then null else excluded.refused_reason end,
      local_monitors = excluded.local_monitors,
      reported_at = now()`;
  return { ok: true };
}
