import type { Ctx } from "../context.ts";

export interface SweepResult {
  down: { server_id: string; incident_id: string | null; cause: string | null }[];
}

/**
 * The dead man's switch (private.sweep_heartbeats does the state change, the incident and the
 * outbox rows in one transaction). Then, for servers with a public endpoint, find out what went
 * wrong: the incident says "agent dead (host answers)" or "host or network down (no answer)".
 * Notification texts are built at delivery time, so the cause reaches the page.
 */
export async function runSweep({
  ctx,
  backendStarted = false,
}: {
  ctx: Ctx;
  /**
   * This process has just started: the backend was not receiving heartbeats before, so every
   * server gets a full timeout from now (however short the outage was).
   */
  backendStarted?: boolean;
}): Promise<SweepResult> {
  const rows = await ctx.sql<
    { server_id: string; incident_id: string | null; public_endpoint: string | null }[]
  >`
    select server_id, incident_id, public_endpoint
    from private.sweep_heartbeats(${`${ctx.config.sweepIntervalSeconds} seconds`}::interval, ${backendStarted})`;
  const down = await Promise.all(
    rows.map(async (row) => {
      if (!row.incident_id || !row.public_endpoint || !ctx.probeEndpoint) {
        return { server_id: row.server_id, incident_id: row.incident_id, cause: null };
      }
      const answers = await ctx
        .probeEndpoint(row.public_endpoint, ctx.config.diagnosisTimeoutMs)
        .catch(() => false);
      const cause = answers ? "agent dead (host answers)" : "host or network down (no answer)";
      await ctx.sql`update public.incidents set cause = ${cause} where id = ${row.incident_id}`;
      return { server_id: row.server_id, incident_id: row.incident_id, cause };
    }),
  );
  return { down };
}
