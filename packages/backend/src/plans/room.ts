import type { TransactionSql } from "postgres";
import { AppError } from "../errors.ts";
import { channelLimit, channelLimitKey, type PlanLimits, planLimitError } from "./limits.ts";

/**
 * The limit checks, each run in the transaction that then inserts. A transaction-scoped advisory
 * lock per organization serializes them, so two concurrent creations cannot both see room for
 * one: the second waits for the first to commit and then counts its row (read committed takes a
 * new snapshot per statement). An advisory lock rather than `select ... for update` on the
 * organization: it blocks neither the foreign-key checks of ingest (for key share) nor a member
 * without update rights on organizations, and it is released at commit or rollback.
 *
 * Nothing here deletes: over-limit usage left by a downgrade stays and keeps working; only new
 * creations are refused until usage is under the limit (docs/plans.md).
 */
export async function lockOrganizationPlan(tx: TransactionSql, orgId: string): Promise<PlanLimits> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`custos.plan:${orgId}`}, 0))`;
  const [plan] = await tx<PlanLimits[]>`
    select p.id, p.name, p.max_servers, p.max_members, p.max_probes, p.channel_limits,
           p.retention_raw_days, p.retention_1m_days, p.retention_5m_days, p.retention_1h_days
    from public.organizations o join public.plans p on p.id = o.plan_id
    where o.id = ${orgId}`;
  if (!plan) throw new AppError("NOT_FOUND", `organization ${orgId} not found`, { field: "org_id" });
  return plan;
}

/**
 * A machine not yet registered in the organization needs room under max_servers; one already
 * registered (same identity: an agent restarting, a server's own key re-registering) always
 * passes, so a downgrade never cuts off a server that exists.
 */
export async function requireRoomForServer(
  tx: TransactionSql,
  orgId: string,
  identity: string,
): Promise<void> {
  // the common cases take no lock: an agent restarting (its machine is known) and a plan without
  // a server limit (custos-server). Every agent of a fleet re-registers after a restart, and
  // serializing those on the organization's lock would only queue them.
  const [first] = await tx<{ max_servers: number | null; known: boolean }[]>`
    select p.max_servers,
           exists (select 1 from public.servers s where s.org_id = o.id and s.identity_key = ${identity}) as known
    from public.organizations o join public.plans p on p.id = o.plan_id
    where o.id = ${orgId}`;
  if (first && (first.known || first.max_servers === null)) return;
  const plan = await lockOrganizationPlan(tx, orgId);
  if (plan.max_servers === null) return;
  const [state] = await tx<{ known: boolean; servers: number }[]>`
    select exists (select 1 from public.servers where org_id = ${orgId} and identity_key = ${identity}) as known,
           (select count(*)::int from public.servers where org_id = ${orgId}) as servers`;
  if (!state || state.known || state.servers < plan.max_servers) return;
  throw planLimitError(
    plan,
    { singular: "server", plural: "servers", field: "plan.max_servers", remedy: "remove a server" },
    plan.max_servers,
    state.servers,
  );
}

/** Members and pending (unexpired, unaccepted) invitations together stay within max_members. */
export async function requireRoomForMember(tx: TransactionSql, orgId: string): Promise<void> {
  const plan = await lockOrganizationPlan(tx, orgId);
  if (plan.max_members === null) return;
  const [state] = await tx<{ members: number; pending: number }[]>`
    select (select count(*)::int from public.memberships where org_id = ${orgId}) as members,
           (select count(*)::int from public.invitations
            where org_id = ${orgId} and accepted_at is null and expires_at > now()) as pending`;
  const members = state?.members ?? 0;
  const pending = state?.pending ?? 0;
  if (members + pending < plan.max_members) return;
  throw planLimitError(
    plan,
    {
      singular: "member",
      plural: "members",
      field: "plan.max_members",
      remedy: pending > 0 ? "remove a member, revoke an invitation" : "remove a member",
    },
    plan.max_members,
    members + pending,
    pending > 0
      ? `${members} ${members === 1 ? "member" : "members"} and ${pending} pending ${pending === 1 ? "invitation" : "invitations"}`
      : undefined,
  );
}

/** Backend probes (monitors with source 'probe') stay within max_probes. */
export async function requireRoomForProbe(tx: TransactionSql, orgId: string): Promise<void> {
  const plan = await lockOrganizationPlan(tx, orgId);
  if (plan.max_probes === null) return;
  const [state] = await tx<{ probes: number }[]>`
    select count(*)::int as probes from public.monitors where org_id = ${orgId} and source = 'probe'`;
  const probes = state?.probes ?? 0;
  if (probes < plan.max_probes) return;
  throw planLimitError(
    plan,
    {
      singular: "backend probe",
      plural: "backend probes",
      field: "plan.max_probes",
      remedy: "remove a probe",
    },
    plan.max_probes,
    probes,
  );
}

/** Channels of one kind stay within the plan's limit for that kind (or its "*"). */
export async function requireRoomForChannel(tx: TransactionSql, orgId: string, kind: string): Promise<void> {
  const plan = await lockOrganizationPlan(tx, orgId);
  const limit = channelLimit(plan.channel_limits, kind);
  if (limit === null) return;
  const [state] = await tx<{ channels: number }[]>`
    select count(*)::int as channels from public.channels where org_id = ${orgId} and kind = ${kind}`;
  const channels = state?.channels ?? 0;
  if (channels < limit) return;
  throw planLimitError(
    plan,
    {
      singular: `${kind} channel`,
      plural: `${kind} channels`,
      field: `plan.channel_limits.${channelLimitKey(plan.channel_limits, kind)}`,
      remedy: `remove ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} channel`,
    },
    limit,
    channels,
  );
}

/** An organization chooses its raw retention within the plan's. */
export async function requireRetentionWithinPlan(
  tx: TransactionSql,
  orgId: string,
  rawRetentionDays: number,
): Promise<void> {
  const plan = await lockOrganizationPlan(tx, orgId);
  if (rawRetentionDays <= plan.retention_raw_days) return;
  // the value it already has (a client sending every setting back after a downgrade) is no change:
  // the effective retention stays the plan's either way
  const [current] = await tx<{ raw_retention_days: number }[]>`
    select raw_retention_days from public.organizations where id = ${orgId}`;
  if (current?.raw_retention_days === rawRetentionDays) return;
  throw new AppError(
    "PLAN_LIMIT",
    `the ${plan.name} plan keeps raw samples at most ${plan.retention_raw_days} days: choose ${plan.retention_raw_days} or fewer, or change the plan`,
    { field: "raw_retention_days" },
  );
}
