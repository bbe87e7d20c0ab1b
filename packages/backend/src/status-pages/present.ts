import { type BarStatus, IsoTime, type PublicMonitorStatus, type PublicStatusPage } from "@custos/protocol";
import { z } from "zod";

const Span = z.object({ starts_at: IsoTime, ends_at: IsoTime });

/** What published.status_page(slug) returns: the raw facts, parsed before anything is drawn. */
export const StatusPageData = z.object({
  slug: z.string(),
  title: z.string(),
  now: IsoTime,
  /** windows not yet ended that cover something published, with the published names they cover */
  maintenance: z.array(Span.extend({ public_title: z.string().nullable(), subjects: z.array(z.string()) })),
  subjects: z.array(
    z.object({
      kind: z.enum(["server", "monitor"]),
      name: z.string(),
      /** what its checks or heartbeats say now */
      status: z.enum(["ok", "degraded", "down", "unknown"]),
      /** a window covering it is in progress now (the SQL function's covering rule) */
      in_maintenance: z.boolean(),
      /** first seen: days before it are "none", not "ok" */
      since: IsoTime,
      incidents: z.array(
        z.object({
          started_at: IsoTime,
          resolved_at: IsoTime.nullable(),
          severity: z.enum(["critical", "warning", "info"]),
        }),
      ),
      /** its maintenance in the last 90 days up to now: merged spans (decision 0048) */
      maintenance: z.array(Span),
    }),
  ),
});
export type StatusPageData = z.infer<typeof StatusPageData>;

export const DAYS = 90;
const DAY_MS = 86_400_000;

type Interval = [start: number, end: number];

/** Sorted, overlapping intervals joined: time covered by two incidents counts once. */
function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

function covered(intervals: Interval[], from: number, to: number): number {
  let total = 0;
  for (const [start, end] of intervals) total += Math.max(0, Math.min(end, to) - Math.max(start, from));
  return total;
}

/** Sorted, merged intervals minus sorted, merged intervals: downtime outside maintenance. */
function subtract(from: Interval[], remove: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [start, end] of from) {
    let cursor = start;
    for (const [rs, re] of remove) {
      if (re <= cursor || rs >= end) continue;
      if (rs > cursor) out.push([cursor, rs]);
      cursor = Math.max(cursor, re);
    }
    if (cursor < end) out.push([cursor, end]);
  }
  return out;
}

/**
 * A subject under maintenance reads "maintenance" unless it is ok: downtime the owner announced is
 * not an outage, and a subject that works through its window is still operational (the window is
 * listed at the top of the page as in progress).
 */
function publicStatus(
  subject: Pick<StatusPageData["subjects"][number], "status" | "in_maintenance">,
): PublicMonitorStatus {
  return subject.in_maintenance && subject.status !== "ok" ? "maintenance" : subject.status;
}

/**
 * The banner: the worst subject's status, maintenance counted below unknown, so it says "Under
 * maintenance" only when every subject that is not operational is under maintenance; an uncovered
 * subject that is down keeps "Outage in progress". All operational during a window stays
 * "operational": the banner answers whether something is not working (decision 0048, addendum).
 */
const BANNER_ORDER = [
  ["down", "outage"],
  ["degraded", "degraded"],
  ["unknown", "unknown"],
  ["maintenance", "maintenance"],
] as const satisfies readonly [PublicMonitorStatus, PublicStatusPage["status"]][];

function overallStatus(statuses: readonly PublicMonitorStatus[]): PublicStatusPage["status"] {
  if (statuses.length === 0) return "unknown";
  const present = new Set(statuses);
  return BANNER_ORDER.find(([status]) => present.has(status))?.[1] ?? "operational";
}

const percent = (up: number, all: number) => Math.round((100_000 * up) / all) / 1000;

/** Uptime of [start, end) with the time in maintenance left out of both parts; null if none is left. */
function uptimeOf(down: Interval[], maintenance: Interval[], start: number, end: number): number | null {
  const measured = end - start - covered(maintenance, start, end);
  return measured > 0 ? percent(measured - covered(down, start, end), measured) : null;
}

/**
 * The public page from incident history: downtime is the time covered by critical incidents
 * (a server that stopped heartbeating, a monitor that was down), a warning incident makes its
 * days degraded without counting as downtime. Days are UTC; today counts up to now; days before a
 * subject was first seen are "none". Pure: the clock is the database's `now`.
 *
 * Maintenance (decision 0048) is left out the way the dashboard's uptime leaves out the results
 * inside it (monitors/uptime.ts): time in a window counts neither as up nor as down, so downtime
 * inside a window costs nothing and a day spent wholly in maintenance has no uptime figure. A
 * day's status is what the incidents outside maintenance say; its `maintenance_seconds` (rounded
 * up, like the dashboard's bars) say how much of it lay in maintenance.
 */
export function presentStatusPage(data: StatusPageData): PublicStatusPage {
  const now = Date.parse(data.now);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const from = today - (DAYS - 1) * DAY_MS;
  const monitors = data.subjects.map((subject) => {
    const since = Date.parse(subject.since);
    const spans = (severity: "critical" | "warning") =>
      merge(
        subject.incidents
          .filter((i) => i.severity === severity)
          .map((i): Interval => [Date.parse(i.started_at), i.resolved_at ? Date.parse(i.resolved_at) : now]),
      );
    const maintenance = merge(
      subject.maintenance.map(
        (m): Interval => [Date.parse(m.starts_at), Math.min(Date.parse(m.ends_at), now)],
      ),
    );
    const down = subtract(spans("critical"), maintenance);
    const degraded = subtract(spans("warning"), maintenance);
    const days = Array.from({ length: DAYS }, (_, i) => {
      const start = Math.max(from + i * DAY_MS, since);
      const end = Math.min(from + (i + 1) * DAY_MS, now);
      if (end <= start) return { status: "none" as BarStatus, uptime_percent: null, maintenance_seconds: 0 };
      const status: BarStatus =
        covered(down, start, end) > 0 ? "down" : covered(degraded, start, end) > 0 ? "degraded" : "ok";
      return {
        status,
        uptime_percent: uptimeOf(down, maintenance, start, end),
        maintenance_seconds: Math.ceil(covered(maintenance, start, end) / 1000),
      };
    });
    const start = Math.max(from, since);
    const uptime = now > start ? uptimeOf(down, maintenance, start, now) : null;
    return {
      kind: subject.kind,
      name: subject.name,
      status: publicStatus(subject),
      uptime_percent: uptime,
      days,
    };
  });
  return {
    slug: data.slug,
    title: data.title,
    generated_at: new Date(now).toISOString(),
    status: overallStatus(monitors.map((m) => m.status)),
    days: { from: new Date(from).toISOString().slice(0, 10), count: DAYS },
    maintenance: data.maintenance.map((m) => ({
      starts_at: m.starts_at,
      ends_at: m.ends_at,
      public_title: m.public_title,
      in_progress: Date.parse(m.starts_at) <= now,
      subjects: m.subjects,
    })),
    monitors,
  };
}
