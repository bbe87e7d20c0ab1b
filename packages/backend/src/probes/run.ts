import type { Ctx } from "../context.ts";
import type { CheckStatus, MonitorsRow } from "../db/rows.ts";
import { evaluateProbe } from "./evaluate.ts";
import { fetchProber } from "./fetch-prober.ts";
import { ProbeConfig, type ProbeObservation, type Prober } from "./schemas.ts";

type DueProbe = Pick<MonitorsRow, "id" | "org_id" | "config">;

export interface ProbeRunResult {
  ran: number;
  statuses: Record<string, number>;
}

/**
 * Runs the probes that are due, at most `concurrency` at a time. Claiming moves next_run_at
 * forward by whole intervals (phase kept, missed runs skipped) under `for update skip locked`,
 * so two schedulers never run one probe twice. Results go to check_results and through the same
 * incident state machine as agent checks.
 */
export async function runDueProbes({
  ctx,
  prober = ctx.prober ?? fetchProber,
  concurrency = 20,
  limit = 500,
}: {
  ctx: Ctx;
  prober?: Prober;
  concurrency?: number;
  limit?: number;
}): Promise<ProbeRunResult> {
  const due = await ctx.sql<DueProbe[]>`
    update public.monitors m set next_run_at = m.next_run_at
      + make_interval(secs => m.interval_seconds)
        * (floor(extract(epoch from now() - m.next_run_at) / m.interval_seconds) + 1)
    where m.id in (
      select id from public.monitors
      where source = 'probe' and enabled and next_run_at <= now()
      order by next_run_at limit ${limit}
      for update skip locked
    )
    returning m.id, m.org_id, m.config`;
  const result: ProbeRunResult = { ran: 0, statuses: {} };
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const probe = due[next++] as (typeof due)[number];
      const status = await runOne(ctx, prober, probe);
      result.ran++;
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
  return result;
}

/** One probe run's outcome, before anything is stored. */
export interface ProbeOutcome {
  status: CheckStatus;
  message: string;
  observation: ProbeObservation;
}

/**
 * Runs a stored (unparsed) config once and applies its thresholds: the scheduled runs and the
 * dashboard's "Test" share it. The request's own timeout (timeout_ms) bounds it; the prober
 * never throws here (a thrown error is an unreachable target).
 */
export async function probeOnce(prober: Prober, rawConfig: unknown): Promise<ProbeOutcome> {
  const parsed = ProbeConfig.safeParse(rawConfig);
  if (!parsed.success) {
    return {
      status: "down",
      message: `invalid probe configuration: ${parsed.error.issues[0]?.message ?? "unknown"}`,
      observation: { reachable: false, latency_ms: 0 },
    };
  }
  const config = parsed.data;
  const observed = config.kind === "http" ? prober.http(config) : prober.tcp?.(config);
  if (!observed) {
    // the runtime's gap, not the target's failure: recorded, and the incident engine ignores it
    return {
      status: "unsupported",
      message: "TCP probes need custos-server's prober (this runtime cannot open raw TCP connections)",
      observation: { reachable: false, latency_ms: 0 },
    };
  }
  const observation = await observed.catch(
    (error: unknown): ProbeObservation => ({
      reachable: false,
      latency_ms: 0,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  return { ...evaluateProbe(config, observation), observation };
}

async function runOne(ctx: Ctx, prober: Prober, probe: DueProbe): Promise<string> {
  const { status, message, observation } = await probeOnce(prober, probe.config);
  const latency = observation.reachable ? Math.round(observation.latency_ms * 10) / 10 : null;
  await ctx.sql.begin(async (tx) => {
    await tx`
      insert into public.check_results (ts, org_id, server_id, monitor_id, status, latency_ms, message)
      select now(), org_id, server_id, id, ${status}, ${latency}, ${message}
      from public.monitors where id = ${probe.id}`;
    await tx`update public.monitors set last_status = ${status}, last_checked_at = now() where id = ${probe.id}`;
    await tx`select private.apply_check(${probe.id}, ${status}::public.check_status, now(), ${message})`;
  });
  return status;
}
