import type { RegisterRequest, RegisterResponse } from "@custos/protocol";
import type { Sql, TransactionSql } from "postgres";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import type { ServersRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { requireRoomForServer as requirePlanRoomForServer } from "../plans/room.ts";

/**
 * Creates the server or finds it again: identity is the machine id when the agent could read
 * it, else the hostname, so re-registering the same machine never makes a duplicate. The
 * server remembers the key it registered with last (the key it uses now). A key with limits
 * (max_servers, enroll_until) is checked under a lock on the key, so two machines racing for
 * a server's own key cannot both get it; the organization's plan (max_servers) under the plan
 * lock, so two new machines racing for the last place cannot both get it (402 PLAN_LIMIT).
 */
export async function registerServer({
  ctx,
  auth,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  auth: AuthenticatedKey;
  input: RegisterRequest;
}): Promise<RegisterResponse> {
  const identity = input.machine_id ? `machine:${input.machine_id}` : `host:${input.hostname.toLowerCase()}`;
  return ctx.sql.begin(async (tx) => {
    if (auth.maxServers !== null || auth.enrollUntil !== null) await requireRoomForServer(tx, auth, identity);
    // the plan's max_servers, under the organization's plan lock (a machine already registered
    // always passes: a downgrade never cuts off an existing server)
    await requirePlanRoomForServer(tx, auth.orgId, identity);
    return upsertServer(tx, auth, input, identity);
  });
}

async function upsertServer(
  sql: Sql | TransactionSql,
  auth: AuthenticatedKey,
  input: RegisterRequest,
  identity: string,
): Promise<RegisterResponse> {
  const rows = await sql<Pick<ServersRow, "id" | "approval" | "heartbeat_timeout_seconds">[]>`
    insert into public.servers (org_id, name, hostname, identity_key, agent_version, os, arch, approval,
                                registered_with_key, heartbeat_interval_seconds)
    select o.id, ${input.server_name}, ${input.hostname}, ${identity}, ${input.agent_version}, ${input.os}, ${input.arch},
           case when o.require_server_approval then 'pending'::public.server_approval else 'approved' end, ${auth.keyId},
           ${input.heartbeat_interval_seconds ?? null}::int
    from public.organizations o where o.id = ${auth.orgId}
    on conflict (org_id, identity_key) do update set
      name = excluded.name, hostname = excluded.hostname, agent_version = excluded.agent_version,
      os = excluded.os, arch = excluded.arch, updated_at = now(), registered_with_key = excluded.registered_with_key,
      heartbeat_interval_seconds = coalesce(excluded.heartbeat_interval_seconds, servers.heartbeat_interval_seconds)
    returning id, approval, heartbeat_timeout_seconds`;
  const row = rows[0] as (typeof rows)[number];
  return {
    server_id: row.id,
    approval: row.approval,
    heartbeat_timeout_seconds: row.heartbeat_timeout_seconds,
  };
}

/**
 * A server already registered with this key always registers again (an agent restarting after
 * enroll_until must keep working). Any other machine needs the key's window open and room
 * under max_servers.
 */
async function requireRoomForServer(
  tx: TransactionSql,
  auth: AuthenticatedKey,
  identity: string,
): Promise<void> {
  // the lock in a statement of its own, the counts in the next: under read committed a statement
  // that waited for a row lock keeps the snapshot it began with, so counts read in it would miss
  // the server of the registration it waited for, and machines racing for a server's own key
  // would all get it
  await tx`select 1 from public.api_keys where id = ${auth.keyId} for update`;
  const [state] = await tx<
    { known: boolean; others: number; closed_at: Date | null; other_name: string | null }[]
  >`
    select
      exists (select 1 from public.servers
              where org_id = k.org_id and identity_key = ${identity} and registered_with_key = k.id) as known,
      (select count(*)::int from public.servers
       where org_id = k.org_id and registered_with_key = k.id and identity_key <> ${identity}) as others,
      case when k.enroll_until <= now() then k.enroll_until end as closed_at,
      (select name from public.servers
       where org_id = k.org_id and registered_with_key = k.id and identity_key <> ${identity}
       order by created_at limit 1) as other_name
    from public.api_keys k where k.id = ${auth.keyId}`;
  if (!state || state.known) return;
  if (state.closed_at) {
    throw new AppError(
      "FORBIDDEN",
      `this API key stopped registering new servers at ${state.closed_at.toISOString()} (servers already registered with it keep working); create a key for this server in the dashboard`,
      { field: "authorization" },
    );
  }
  if (auth.maxServers !== null && state.others >= auth.maxServers) {
    const message =
      auth.maxServers === 1
        ? `this API key is the own key of server "${state.other_name}"; create a key for this server in the dashboard`
        : `this API key has registered its limit of ${auth.maxServers} servers; create another key in the dashboard`;
    throw new AppError("FORBIDDEN", message, { field: "authorization" });
  }
}
