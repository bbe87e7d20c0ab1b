import type { RegisterRequest, RegisterResponse } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";

/**
 * Creates the server or finds it again: identity is the machine id when the agent could read
 * it, else the hostname, so re-registering the same machine never makes a duplicate.
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
  const rows = await ctx.sql<
    { id: string; approval: "pending" | "approved"; heartbeat_timeout_seconds: number }[]
  >`
    insert into public.servers (org_id, name, hostname, identity_key, agent_version, os, arch, approval,
                                registered_with_key, heartbeat_interval_seconds)
    select o.id, ${input.server_name}, ${input.hostname}, ${identity}, ${input.agent_version}, ${input.os}, ${input.arch},
           case when o.require_server_approval then 'pending'::public.server_approval else 'approved' end, ${auth.keyId},
           ${input.heartbeat_interval_seconds ?? null}::int
    from public.organizations o where o.id = ${auth.orgId}
    on conflict (org_id, identity_key) do update set
      name = excluded.name, hostname = excluded.hostname, agent_version = excluded.agent_version,
      os = excluded.os, arch = excluded.arch, updated_at = now(),
      heartbeat_interval_seconds = coalesce(excluded.heartbeat_interval_seconds, servers.heartbeat_interval_seconds)
    returning id, approval, heartbeat_timeout_seconds`;
  const row = rows[0] as (typeof rows)[number];
  return {
    server_id: row.id,
    approval: row.approval,
    heartbeat_timeout_seconds: row.heartbeat_timeout_seconds,
  };
}
