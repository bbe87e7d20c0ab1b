import type { HeartbeatRequest, HeartbeatResponse } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import type { ServerApproval, ServersRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { pagingStaleness } from "../jobs/paging-staleness.ts";
import { ackLinkBase } from "../links.ts";
import { serverConfig } from "../monitor-config/effective.ts";
import { monitorTestsPending } from "../monitor-tests/claim.ts";
import { isServerOwnKey, keyMisuse } from "./access.ts";
import { backendPages } from "./backend-pages.ts";

/** Where the loss totals stop: the largest integer a JSON number (a double) holds exactly. */
const MAX_TOTAL = Number.MAX_SAFE_INTEGER;

/**
 * One statement: last_heartbeat_at from the backend's clock (never the agent's), the agent's
 * clock skew, and `unknown -> up` on the first heartbeat. Pending servers are recorded too, so
 * the dashboard can show that an agent waiting for approval is alive. What the agent reports it
 * could not deliver (`dropped_samples` by its buffer caps, `rejected_items` refused by the
 * backend) is added to the server's totals, which the server's page shows. An agent that asks
 * about pages it could not deliver learns which of them the backend delivered itself, and one
 * that asks for links learns where its own pages' acknowledge links point. While the backend's
 * own paging jobs are stale the answer says so (`schedule_stale`), so agents can page about it.
 * Every answer carries the version of the server's central configuration (`config_version`),
 * and `tests_pending` while a monitor test waits for this server's agent (decision 0045).
 */
export async function recordHeartbeat({
  ctx,
  auth,
  input,
}: {
  ctx: Pick<Ctx, "sql" | "config" | "now" | "log">;
  auth: AuthenticatedKey;
  input: HeartbeatRequest;
}): Promise<HeartbeatResponse & { approval: ServerApproval }> {
  const dropped = input.dropped_samples ?? 0;
  const rejected = input.rejected_items ?? 0;
  // skew: clock_skew_ms as this statement sets it, never null
  const rows = await ctx.sql<
    (Pick<ServersRow, "approval" | "status"> & { server_time: Date; skew: number })[]
  >`
    update public.servers set
      last_heartbeat_at = now(),
      clock_skew_ms = greatest(-2147483647, least(2147483647,
        round(extract(epoch from (${input.sent_at}::timestamptz - now())) * 1000)))::int,
      agent_version = coalesce(${input.agent_version ?? null}, agent_version),
      -- a changed interval re-derives the timeout (trigger), so it never falls below 2x it
      heartbeat_interval_seconds = coalesce(${input.heartbeat_interval_seconds ?? null}::int, heartbeat_interval_seconds),
      status = case when status = 'unknown' then 'up'::public.server_status else status end,
      -- zod bounds each count; the totals stop at 2^53 - 1 so they stay exact as JSON numbers
      dropped_samples_total = least(dropped_samples_total + ${dropped}::bigint, ${MAX_TOTAL}::bigint),
      rejected_items_total = least(rejected_items_total + ${rejected}::bigint, ${MAX_TOTAL}::bigint),
      data_loss_reported_at = case when ${dropped + rejected > 0}::boolean then now() else data_loss_reported_at end
    where id = ${input.server_id} and org_id = ${auth.orgId}
      and (${!isServerOwnKey(auth)}::boolean or registered_with_key = ${auth.keyId})
    returning approval, now() as server_time, clock_skew_ms as skew, status`;
  const row = rows[0];
  if (!row) throw await missingServer(ctx, auth, input.server_id);
  // rare path: the server was down; one transaction marks it up, resolves, queues "restored"
  if (row.status === "down") await ctx.sql`select private.recover_server(${input.server_id})`;
  const awaiting = input.awaiting_pages ?? [];
  // independent reads, side by side: the paging jobs' staleness, the version of the server's
  // central configuration (an agent running another one fetches it), a monitor test waiting
  const [stale, config, testsPending] = await Promise.all([
    pagingStaleness(ctx),
    serverConfig(ctx.sql, auth.orgId, input.server_id),
    monitorTestsPending(ctx, input.server_id),
  ]);
  return {
    ok: true,
    server_time: row.server_time.toISOString(),
    clock_skew_ms: row.skew,
    approval: row.approval,
    // rare path too: only an agent whose own channel is failing asks
    ...(awaiting.length > 0
      ? { paged: await backendPages({ ctx, orgId: auth.orgId, serverId: input.server_id, awaiting }) }
      : {}),
    ...(input.want_links ? ackBase(ctx.config) : {}),
    ...(stale ? { schedule_stale: stale } : {}),
    ...(config ? { config_version: config.version } : {}),
    ...(testsPending ? { tests_pending: true as const } : {}),
  };
}

function ackBase(config: Ctx["config"]): { ack_link_base?: string } {
  const base = ackLinkBase(config);
  return base ? { ack_link_base: base } : {};
}

/** Why a heartbeat matched no server: not this organization's, or not this server's own key. */
async function missingServer(
  ctx: Pick<Ctx, "sql">,
  auth: AuthenticatedKey,
  serverId: string,
): Promise<AppError> {
  if (isServerOwnKey(auth)) {
    const [server] = await ctx.sql<Pick<ServersRow, "registered_with_key">[]>`
      select registered_with_key from public.servers where id = ${serverId} and org_id = ${auth.orgId}`;
    const misuse = server && keyMisuse(auth, serverId, server.registered_with_key);
    if (misuse) return misuse;
  }
  return new AppError("NOT_FOUND", `server ${serverId} is not registered with this organization`, {
    field: "server_id",
  });
}
