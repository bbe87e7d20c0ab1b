"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { Badge, type Tone } from "@/components/ui/badge.tsx";
import { buttonClass } from "@/components/ui/button.tsx";
import { Card, CardHeader, PageHeader } from "@/components/ui/card.tsx";
import { cx } from "@/components/ui/cx.ts";
import { EmptyState, itemFallback } from "@/components/ui/states.tsx";
import type { TimelineEntry } from "@/lib/contract.ts";
import { formatDateTimeSeconds, formatDuration } from "@/lib/format.ts";
import { useOrg } from "@/lib/org.tsx";
import { useIncident } from "@/lib/queries.ts";
import { INCIDENT_STATUS, SEVERITY } from "@/lib/status.ts";
import { IncidentActions } from "./actions.tsx";
import { IncidentNoteForm, NoteText } from "./notes.tsx";

const EVENT_TEXT: Record<string, string> = {
  down: "down alert",
  restored: "recovery notice",
  escalation: "escalation",
  repeat: "reminder",
  flapping: "flapping notice",
  acknowledged: "acknowledgement",
  test: "test",
};

const DELIVERY: Record<string, { tone: Tone; label: string }> = {
  delivered: { tone: "green", label: "Delivered" },
  pending: { tone: "blue", label: "Queued" },
  sending: { tone: "blue", label: "Sending" },
  suppressed: { tone: "gray", label: "Suppressed" },
  dead: { tone: "red", label: "Failed" },
};

/** Pure: one sentence per timeline entry, as a person would tell it. */
export function describeEntry(entry: TimelineEntry): { title: string; detail?: string; tone: Tone } {
  switch (entry.type) {
    case "opened":
      return {
        title: "Incident opened",
        detail: `Failure began ${formatDateTimeSeconds(entry.started_at)}${entry.cause ? ` · ${entry.cause}` : ""}`,
        tone: "red",
      };
    case "notification": {
      const where = entry.channel ? `${entry.channel.name} (${entry.channel.kind})` : "a deleted channel";
      const what = EVENT_TEXT[entry.event] ?? entry.event;
      const parts: string[] = [];
      if (entry.status === "delivered" && entry.delivered_at)
        parts.push(`delivered ${formatDateTimeSeconds(entry.delivered_at)}`);
      if (entry.status === "suppressed" && entry.reason) parts.push(`not sent: ${entry.reason}`);
      if (entry.error) parts.push(`error: ${entry.error}`);
      if (entry.attempts > 1) parts.push(`${entry.attempts} attempts`);
      return {
        title: `Notified ${where}: ${what}`,
        ...(parts.length ? { detail: parts.join(" · ") } : {}),
        tone: DELIVERY[entry.status]?.tone ?? "gray",
      };
    }
    case "acknowledged":
      return { title: `Acknowledged ${acknowledger(entry.by, entry.via)}`, tone: "amber" };
    case "resolved":
      return {
        title: entry.by
          ? `Resolved by ${entry.by.email ?? "a former member"}`
          : "Resolved automatically (recovered)",
        detail: `after ${formatDuration(entry.duration_seconds * 1000)}`,
        tone: "green",
      };
    case "note":
      // the text itself is shown below the title, as written (NoteText)
      return { title: `Note by ${entry.by?.email ?? "a former member"}`, tone: "blue" };
  }
}

/**
 * "by ann@example.com", or "via link in sms notification" when a notification's link was used
 * (no user then: the link works without signing in).
 */
export function acknowledger(by: { email: string | null } | null, via: string | null): string {
  if (via && !by) return `via ${via}`;
  return `by ${by?.email ?? "a former member"}`;
}

const DOT: Record<Tone, string> = {
  green: "bg-emerald-500",
  red: "bg-red-500",
  amber: "bg-amber-500",
  gray: "bg-gray-400",
  blue: "bg-blue-500",
};

function Timeline({ entries, incidentId }: { entries: readonly TimelineEntry[]; incidentId: string }) {
  return (
    <ol className="relative ml-2 border-gray-200 border-l dark:border-gray-800">
      {entries.map((entry, i) => {
        const text = describeEntry(entry);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id and never reorder
          <li key={i} className="mb-5 ml-5 last:mb-0">
            <span
              aria-hidden="true"
              className={cx(
                "absolute -left-[5px] mt-1.5 size-2.5 rounded-full ring-4 ring-white dark:ring-gray-900",
                DOT[text.tone],
              )}
            />
            <time dateTime={entry.at} className="block text-gray-500 text-xs dark:text-gray-400">
              {formatDateTimeSeconds(entry.at)}
            </time>
            <p className="font-medium text-gray-900 text-sm dark:text-gray-100">
              {text.title}
              {entry.type === "notification" ? (
                <Badge tone={DELIVERY[entry.status]?.tone ?? "gray"} className="ml-2 align-middle">
                  {DELIVERY[entry.status]?.label ?? entry.status}
                </Badge>
              ) : null}
            </p>
            {text.detail ? <p className="text-gray-600 text-sm dark:text-gray-400">{text.detail}</p> : null}
            {entry.type === "note" ? <NoteText note={entry} incidentId={incidentId} /> : null}
          </li>
        );
      })}
    </ol>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-gray-500 text-xs dark:text-gray-400">{label}</dt>
      <dd className="mt-0.5 break-words text-gray-900 text-sm dark:text-gray-100">{children}</dd>
    </div>
  );
}

function NotFound() {
  return (
    <EmptyState
      title="Incident not found"
      action={
        <Link href="/incidents" className={buttonClass("secondary")}>
          All incidents
        </Link>
      }
    >
      It may belong to an organization you are not a member of, or to another organization you can switch to.
    </EmptyState>
  );
}

export function IncidentDetailView() {
  const id = useSearchParams().get("id") ?? "";
  const { orgId } = useOrg();
  const query = useIncident(orgId, id);

  const fallback = itemFallback(id, query, { loading: "Loading incident", rows: 4, notFound: <NotFound /> });
  if (fallback) return fallback;
  const data = query.data;
  if (!data) return null;
  const { incident, timeline } = data;
  const status = INCIDENT_STATUS[incident.status];
  const severity = SEVERITY[incident.severity];
  return (
    <div>
      <title>{`${incident.title} · Custos`}</title>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/incidents" className="text-blue-600 hover:underline dark:text-blue-400">
          Incidents
        </Link>
      </nav>
      <PageHeader
        title={incident.title}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={status.tone}>{status.label}</Badge>
            <Badge tone={severity.tone}>{severity.label}</Badge>
            {incident.flapping ? <Badge tone="amber">Flapping</Badge> : null}
            {incident.cause ? <span>{incident.cause}</span> : null}
          </span>
        }
        actions={<IncidentActions incident={incident} size="md" />}
      />
      <div className="grid gap-4 lg:grid-cols-[1fr_2fr]">
        <Card>
          <dl className="grid grid-cols-2 gap-4">
            <Fact label="Server">
              {incident.server ? (
                <Link
                  href={`/servers/detail?id=${incident.server.id}`}
                  className="text-blue-600 hover:underline dark:text-blue-400"
                >
                  {incident.server.name}
                </Link>
              ) : (
                "–"
              )}
            </Fact>
            <Fact label="Monitor">
              {incident.monitor?.name ?? (incident.kind === "heartbeat" ? "heartbeat" : "–")}
            </Fact>
            <Fact label="Started">{formatDateTimeSeconds(incident.started_at)}</Fact>
            <Fact label="Detected">{formatDateTimeSeconds(incident.opened_at)}</Fact>
            <Fact label={incident.status === "resolved" ? "Duration" : "Ongoing for"}>
              {formatDuration(incident.duration_seconds * 1000)}
            </Fact>
            <Fact label="Acknowledged">
              {incident.acknowledged_at
                ? `${formatDateTimeSeconds(incident.acknowledged_at)} ${acknowledger(incident.acknowledged_by, incident.acknowledged_via)}`
                : "not yet"}
            </Fact>
            <Fact label="Resolved">
              {incident.resolved_at
                ? `${formatDateTimeSeconds(incident.resolved_at)}${incident.resolved_by ? ` by ${incident.resolved_by.email ?? "a former member"}` : " (recovered)"}`
                : "not yet"}
            </Fact>
          </dl>
        </Card>
        <Card>
          <CardHeader
            title="Timeline"
            description="Opened, who was notified where, notes, acknowledged, resolved."
          />
          {timeline.length === 0 ? (
            <p className="text-gray-500 text-sm">No events yet.</p>
          ) : (
            <Timeline entries={timeline} incidentId={incident.id} />
          )}
          <IncidentNoteForm incidentId={incident.id} />
        </Card>
      </div>
    </div>
  );
}
