import { pruneAgentEvents } from "../agent-events/prune.ts";
import { dispatchDue } from "../alerting/dispatch.ts";
import { runEscalations } from "../alerting/escalate.ts";
import { runSweep } from "../alerting/sweep.ts";
import type { Ctx } from "../context.ts";
import { sendInvitationEmails } from "../members/send-invitation-emails.ts";
import { maintainPartitions } from "../metrics/maintain-partitions.ts";
import { maintainRollups } from "../metrics/maintain-rollups.ts";
import { refreshRollups } from "../metrics/refresh-rollups.ts";
import { runDueProbes } from "../probes/run.ts";

export interface JobRunOptions {
  /**
   * The first run of this job in a process that has just started (custos-server). The sweep
   * then grants every server a full timeout: the silence of the backend's own outage is not a
   * server's. The cloud's cron route never sets it: an isolate starting is not the backend
   * starting, and the sweep finds a missed tick by itself (a gap of two intervals).
   */
  backendStarted: boolean;
}

export interface Job {
  name: string;
  /** custos-server runs the job this often; the cloud's cron tick runs it when this much has passed. */
  everyMs: number;
  run(ctx: Ctx, options: JobRunOptions): Promise<unknown>;
}

/**
 * The backend's periodic work: the one schedule of both runtimes. custos-server's scheduler
 * starts each job on its own timer (apps/server/src/scheduler.ts); the cloud's pg_cron calls
 * /api/cron/tick every 15 s, which runs the jobs that are due one after another in this order
 * (routes/cron.ts) — so the order is the one that gets a page out fastest: detect (sweep,
 * probes), queue escalations, deliver, then the housekeeping.
 */
export const JOBS = [
  {
    name: "sweep",
    everyMs: 10_000,
    run: async (ctx, { backendStarted }) => {
      const sweep = await runSweep({ ctx, backendStarted });
      // deliver right away: a page should not wait for the dispatcher's own turn
      return { sweep, dispatch: await dispatchDue({ ctx }) };
    },
  },
  // HTTP probes through fetch where the runtime has no other prober (the cloud): a TCP probe
  // is then recorded `unsupported` and pages nobody (probes/run.ts)
  { name: "probes", everyMs: 5_000, run: (ctx) => runDueProbes({ ctx }) },
  { name: "escalations", everyMs: 30_000, run: (ctx) => runEscalations({ ctx }) },
  // 200 a run: the cloud delivers once per 15-s tick (plus the sweep's own round)
  { name: "dispatch", everyMs: 2_000, run: (ctx) => dispatchDue({ ctx, limit: 200 }) },
  // invitation emails (decision 0041): queued by the invite, sent and retried here, never in the API call
  { name: "invitation-emails", everyMs: 5_000, run: (ctx) => sendInvitationEmails({ ctx }) },
  // chart rollups from the raw data; reported only when catching up or merging late samples
  {
    name: "rollups",
    everyMs: 30_000,
    run: async (ctx) => {
      const r = await refreshRollups({ ctx });
      return r.caught_up && r.late_1m === 0 ? {} : r;
    },
  },
  // partitions are made three days ahead: missed hourly runs have days, not minutes, before
  // ingest needs one that does not exist (decision 0019)
  { name: "maintain-partitions", everyMs: 60 * 60_000, run: (ctx) => maintainPartitions({ ctx }) },
  { name: "maintain-rollups", everyMs: 60 * 60_000, run: (ctx) => maintainRollups({ ctx }) },
  // the outage log keeps 400 days (decision 0044); its own delete, not part of maintain_partitions
  { name: "prune-agent-events", everyMs: 60 * 60_000, run: (ctx) => pruneAgentEvents({ ctx }) },
] as const satisfies readonly Job[];

export type JobName = (typeof JOBS)[number]["name"];
