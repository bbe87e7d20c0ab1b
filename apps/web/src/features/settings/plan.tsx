"use client";
import Link from "next/link";
import { Badge, type Tone } from "@/components/ui/badge.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { ErrorState, LoadingState } from "@/components/ui/states.tsx";
import { useOrg } from "@/lib/org.tsx";
import { usePlan } from "@/lib/queries.ts";
import type { ResponseOf } from "@/lib/routes.ts";
import { Td } from "./shared.tsx";

type PlanUsage = ResponseOf<"plan">;
type Limit = PlanUsage["servers"];

const STATE: Record<Limit["state"], { tone: Tone; text: string }> = {
  unlimited: { tone: "gray", text: "No limit" },
  under: { tone: "green", text: "Within the plan" },
  at_limit: { tone: "amber", text: "At the limit" },
  over_limit: { tone: "red", text: "Over the limit" },
  not_included: { tone: "gray", text: "Not in the plan" },
};

function LimitBadge({ state }: { state: Limit["state"] }) {
  return <Badge tone={STATE[state].tone}>{STATE[state].text}</Badge>;
}

function usedText(limit: Limit): string {
  return limit.limit === null ? `${limit.used}` : `${limit.used} of ${limit.limit}`;
}

function days(n: number): string {
  return n === 1 ? "1 day" : `${n} days`;
}

/** The rows of usage against limits: servers, members, probes, then channels per kind. */
function usageRows(plan: PlanUsage): { label: string; limit: Limit; detail?: string }[] {
  return [
    { label: "Servers", limit: plan.servers },
    {
      label: "Members",
      limit: plan.members,
      detail:
        plan.members.pending_invitations > 0
          ? `${plan.members.members} members and ${plan.members.pending_invitations} pending invitations`
          : undefined,
    },
    { label: "Backend probes", limit: plan.probes },
    ...plan.channels.map((c) => ({ label: `Channels: ${c.kind}`, limit: c })),
  ];
}

export function PlanSettings() {
  const { orgId } = useOrg();
  const query = usePlan(orgId);
  if (query.isPending) return <LoadingState label="Loading the plan" />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const plan = query.data;
  const rows = usageRows(plan);
  const over = rows.filter((r) => r.limit.state === "over_limit");
  const { retention } = plan;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title={`${plan.plan.name} plan`}
          description="What this organization may create and how long its history is kept. Operators change the plan."
        />
        {over.length > 0 ? (
          <p
            role="status"
            className="mb-4 rounded-lg bg-red-50 p-3 text-red-800 text-sm dark:bg-red-950/40 dark:text-red-200"
          >
            Over the limit: {over.map((r) => r.label.toLowerCase()).join(", ")}. Everything you have keeps
            working (nothing was deleted, monitoring goes on); new ones are refused until usage is under the
            limit.
          </p>
        ) : null}
        {/* three narrow columns: no minimum width, so the state stays in view on a phone */}
        <div className="rounded-xl border border-gray-200 dark:border-gray-800">
          <table aria-label="Usage against the plan's limits" className="w-full text-left text-sm">
            <thead className="sr-only">
              <tr>
                <th scope="col">Limit</th>
                <th scope="col">Used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.label} data-state={row.limit.state}>
                  <Td className="font-medium">{row.label}</Td>
                  <Td>
                    <span className="whitespace-nowrap">{usedText(row.limit)}</span>
                    {row.detail ? <span className="block text-gray-500 text-xs">{row.detail}</span> : null}
                  </Td>
                  <Td className="text-right">
                    <LimitBadge state={row.limit.state} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {plan.other_channel_kinds_limit !== null ? (
          <p className="mt-3 text-gray-600 text-sm dark:text-gray-400">
            {plan.other_channel_kinds_limit === 0
              ? "Other channel kinds are not in this plan."
              : `Other channel kinds: up to ${plan.other_channel_kinds_limit} each.`}
          </p>
        ) : null}
      </Card>
      <Card>
        <CardHeader
          title="History kept"
          description="Per resolution: charts of long ranges use the coarser ones."
        />
        <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-gray-500">Raw samples</dt>
            <dd>
              {days(retention.effective_raw_days)}
              {retention.organization_raw_days > retention.raw_days ? (
                <span className="block text-gray-500 text-xs">
                  the organization asks for {days(retention.organization_raw_days)}; the plan keeps{" "}
                  {days(retention.raw_days)}
                </span>
              ) : null}
            </dd>
          </div>
          <div>
            <dt className="text-gray-500">1-minute rollups</dt>
            <dd>{days(retention.rollup_1m_days)}</dd>
          </div>
          <div>
            <dt className="text-gray-500">5-minute rollups</dt>
            <dd>{days(retention.rollup_5m_days)}</dd>
          </div>
          <div>
            <dt className="text-gray-500">1-hour rollups</dt>
            <dd>{days(retention.rollup_1h_days)}</dd>
          </div>
        </dl>
      </Card>
    </div>
  );
}

/**
 * Where a new server is set up (API keys, guided setup): says before the agent is installed that
 * the plan has no room, since the agent's registration is what the backend refuses.
 */
export function ServerRoomNote() {
  const { orgId } = useOrg();
  const query = usePlan(orgId);
  const servers = query.data?.servers;
  if (!query.data || !servers || (servers.state !== "at_limit" && servers.state !== "over_limit"))
    return null;
  return (
    <p
      role="status"
      data-testid="server-room-note"
      className="mb-4 rounded-lg bg-amber-50 p-3 text-amber-900 text-sm dark:bg-amber-950/40 dark:text-amber-200"
    >
      The {query.data.plan.name} plan allows {servers.limit} {servers.limit === 1 ? "server" : "servers"} and
      this organization has {servers.used}: a new server's agent will be refused until you remove a server or
      the plan changes.{" "}
      <Link href="/settings/plan" className="underline">
        See the plan
      </Link>
      .
    </p>
  );
}
