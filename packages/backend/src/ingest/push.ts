import {
  expandCompactMetrics,
  type IngestResponse,
  PUSH_KINDS,
  PUSH_VERSION,
  type PushKind,
  type PushRefusal,
  type PushRequest,
} from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { AppError, STATUS_BY_CODE } from "../errors.ts";
import { recordHeartbeat } from "../servers/heartbeat.ts";
import { ingestAlerts } from "./alerts.ts";
import { ingestChecks } from "./checks.ts";
import { ingestEvents } from "./events.ts";
import { ingestMetrics } from "./metrics.ts";
import { checkTimestamps } from "./timestamps.ts";

/**
 * What stops one kind of a push but not the others: the state of the server or of the batch id
 * (awaiting approval, an id used by another kind, a time with no partition), as the kind's own
 * route would have answered it, and a failure inside one kind's ingest (500, logged), which
 * would have failed only that kind's request before the combined push: the heartbeat already
 * went in, and its answer must reach the agent. What concerns the key or the server (unknown,
 * not this key's) answers the whole push.
 */
const PER_KIND_CODES = new Set(["PENDING_APPROVAL", "CONFLICT", "VALIDATION", "PAYLOAD_TOO_LARGE"]);

/**
 * The combined push (decision 0036) through the single-kind functions, never a copy of them.
 * Everything the body's shape decides is checked first, times against the data window
 * included, so a 400 writes nothing. Then the heartbeat goes in first (liveness never waits on
 * data), then alert reports, check results, samples and events, each once per batch id as on its own
 * route: a retried push stores nothing twice. A kind refused for the server's or the batch
 * id's state is answered in `refused` while the other parts go in.
 */
export async function ingestPush({
  ctx,
  auth,
  input,
}: {
  ctx: Ctx;
  auth: AuthenticatedKey;
  input: PushRequest;
}) {
  const now = ctx.now();
  if (input.alerts) checkTimestamps(input.alerts.alerts, "alerts.alerts", now, "sent_at");
  if (input.checks) checkTimestamps(input.checks.results, "checks.results", now);
  if (input.metrics) checkTimestamps(input.metrics.at, "metrics.at", now, "t");
  if (input.events) checkTimestamps(input.events.events, "events.events", now, "occurred_at");

  const server_id = input.server_id;
  const heartbeat = input.heartbeat
    ? await recordHeartbeat({ ctx, auth, input: { ...input.heartbeat, server_id } })
    : undefined;

  const ingest: Record<PushKind, () => Promise<IngestResponse> | undefined> = {
    alerts: () => input.alerts && ingestAlerts({ ctx, auth, input: { ...input.alerts, server_id } }),
    checks: () => input.checks && ingestChecks({ ctx, auth, input: { ...input.checks, server_id } }),
    metrics: () =>
      input.metrics &&
      ingestMetrics({
        ctx,
        auth,
        input: { server_id, batch_id: input.metrics.batch_id, samples: expandCompactMetrics(input.metrics) },
      }),
    events: () => input.events && ingestEvents({ ctx, auth, input: { ...input.events, server_id } }),
  };
  const acks: Partial<Record<PushKind, IngestResponse>> = {};
  const refused: Partial<Record<PushKind, PushRefusal>> = {};
  for (const kind of PUSH_KINDS) {
    try {
      const ack = await ingest[kind]();
      if (ack) acks[kind] = ack;
    } catch (error) {
      if (error instanceof AppError && PER_KIND_CODES.has(error.code)) refused[kind] = refusal(kind, error);
      else if (error instanceof AppError) throw error;
      else {
        ctx.log.error("push: one kind failed", {
          kind,
          server_id,
          error: error instanceof Error ? error.message : String(error),
        });
        refused[kind] = {
          status: 500,
          error: { code: "INTERNAL", message: `storing the ${kind} failed; it has been logged` },
        };
      }
    }
  }
  return {
    ok: true as const,
    v: PUSH_VERSION,
    ...(heartbeat ? { heartbeat } : {}),
    acks,
    ...(Object.keys(refused).length > 0 ? { refused } : {}),
  };
}

/** The kind's refusal as its own route would have answered, its field named within the push. */
function refusal(kind: PushKind, error: AppError): PushRefusal {
  const field = error.field && (error.field === "samples" ? kind : `${kind}.${error.field}`);
  return {
    status: STATUS_BY_CODE[error.code],
    error: { code: error.code, message: error.message, ...(field ? { field } : {}) },
  };
}
