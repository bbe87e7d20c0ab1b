export { type DispatchResult, dispatchDue } from "./alerting/dispatch.ts";
export { runEscalations } from "./alerting/escalate.ts";
export { runSweep } from "./alerting/sweep.ts";
export { createApiKey, type NewApiKey } from "./api-keys/create.ts";
export { installCommand } from "./api-keys/install-command.ts";
export { revokeApiKey } from "./api-keys/revoke.ts";
export { type CreateAppOptions, createApp, createContext, DEFAULT_NOTIFIER_ENV } from "./app.ts";
export { type JwksSource, keyResolver, verifyUserJwt } from "./auth/jwt.ts";
export { setBounded } from "./bounded-map.ts";
export {
  type BackendConfig,
  type Ctx,
  consoleLogger,
  DEFAULT_CONFIG,
  type Gunzip,
  type Logger,
} from "./context.ts";
export { asCaller, type CallerClaims } from "./db/as-caller.ts";
export { BackendEnv, DEFAULT_EMAIL_FROM, EnvError, envError, parseEnv } from "./env.ts";
export { AppError, errorBody, STATUS_BY_CODE } from "./errors.ts";
export { type FieldIssue, fieldIssues } from "./http/body.ts";
export { acknowledgeIncident } from "./incidents/acknowledge.ts";
export { resolveIncident } from "./incidents/resolve.ts";
export { type JobOutcome, runJob } from "./jobs/run.ts";
export { type DueJobsResult, runDueJobs, TICK_TOLERANCE_MS } from "./jobs/run-due.ts";
export {
  readScheduleStaleness,
  SCHEDULE_TICK_MS,
  STALE_AFTER_INTERVALS,
  START_GRACE_MS,
  staleAfterMs,
} from "./jobs/staleness.ts";
export { JOBS, type Job, type JobName, type JobRunOptions } from "./jobs/table.ts";
export { maintainPartitions } from "./metrics/maintain-partitions.ts";
export { type MaintainRollupsResult, maintainRollups } from "./metrics/maintain-rollups.ts";
export { type RefreshRollupsResult, refreshRollups } from "./metrics/refresh-rollups.ts";
export { ChannelSettings, deliver } from "./notify/index.ts";
export type { Channel, NotificationMessage, NotifierEnv, SmtpTransport } from "./notify/types.ts";
export { DeliveryError } from "./notify/types.ts";
export { createOrganization } from "./orgs/create.ts";
export { createOrganizationForUser } from "./orgs/create-for-user.ts";
export { listPlans, setOrganizationPlan } from "./plans/set-plan.ts";
export { readPlanUsage } from "./plans/usage.ts";
export { createProbe } from "./probes/create.ts";
export { evaluateProbe } from "./probes/evaluate.ts";
export { fetchProber } from "./probes/fetch-prober.ts";
export { runDueProbes } from "./probes/run.ts";
export type { HttpProbeConfig, ProbeObservation, Prober, TcpProbeConfig } from "./probes/schemas.ts";
export { approveServer } from "./servers/approve.ts";
