/**
 * The judge: what the sinks received against what the scenario said it expects, per channel.
 *
 * A page is a request a sink answered 2xx (a 500 or a refused connection is a failed delivery
 * attempt, not a page). Each page is read as (channel, subject, state):
 *   backend webhook: subject `server:<name>` (heartbeat) or `monitor:<server>/<monitor>` (a check),
 *                    state = the event in capitals (DOWN, RESTORED, FLAPPING, REPEAT, ESCALATION)
 *   agent webhook:   subject `monitor:<server>/<monitor>`, or `backend-link:<server>` for the
 *                    agent's own "backend unreachable" alerts; state DOWN / RESTORED / UNREACHABLE
 *   (both bodies are the protocol's WebhookPayload; `source` tells the senders apart)
 * Findings:
 *   false     a page no expectation covers
 *   missed    fewer pages than expected (or none within the time bound)
 *   duplicate more pages than expected for one subject+state on one channel
 *   late      the first page came later than the expectation's bound after its mark
 *   no-ack    a DOWN or FLAPPING page, from either sender, without its one-click acknowledge link
 */
import { WebhookPayload } from "@custos/protocol";
import type { Mark, SinkRecord } from "./harness.ts";

export type PageState = "DOWN" | "RESTORED" | "FLAPPING" | "UNREACHABLE" | "REPEAT" | "ESCALATION" | "TEST";

export interface Expectation {
  channel: string;
  subject: string;
  state: PageState;
  /** exact count, or a range */
  count: number | { min: number; max: number };
  /** the first page must arrive at most `ms` after the mark `after` */
  within?: { after: string; ms: number };
  /** why this is expected (printed in the report) */
  why?: string;
}

export interface Page {
  at: number;
  /** the destination (a sink URL): "backend" is the backend channel's URL, which a "shared" agent uses too */
  channel: string;
  sender: "agent" | "backend";
  subject: string;
  state: PageState | string;
  title: string;
  path: string;
  body: string;
  /** The page's one-click acknowledge link (`ack_url` in both senders' webhook bodies). */
  ackUrl: string | null;
}

export interface Finding {
  kind: "false" | "missed" | "duplicate" | "late" | "no-ack";
  channel: string;
  subject: string;
  state: string;
  detail: string;
  pages: { t: string; at: string; sender: string; title: string; body: string }[];
}

export interface ExpectationResult extends Expectation {
  actual: number;
  latencyMs: number | null;
  ok: boolean;
}

export interface Verdict {
  scenario: string;
  startedAt: string;
  durationMs: number;
  pass: boolean;
  expectations: ExpectationResult[];
  findings: Finding[];
  /** every page and every failed delivery attempt in the window, relative to the start */
  timeline: {
    t: string;
    channel: string;
    sender: string;
    status: number;
    subject: string;
    state: string;
    title: string;
  }[];
  marks: { t: string; name: string }[];
  notes: string[];
}

export function readPage(record: SinkRecord): Page {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    // not JSON: stays unknown
  }
  // both senders post the protocol's WebhookPayload: `source` says who sent it, and the same
  // incident paged by both carries the same incident_key
  const parsed = WebhookPayload.safeParse(json);
  const unknownPage = { subject: "unknown", state: "UNKNOWN", title: "", ackUrl: null };
  const page = parsed.success ? pageOf(parsed.data) : { sender: "agent" as const, ...unknownPage };
  return { at: record.at, channel: record.channel, path: record.path, body: record.body, ...page };
}

function pageOf(payload: WebhookPayload): Pick<Page, "sender" | "subject" | "state" | "title" | "ackUrl"> {
  const server = payload.server?.name ?? "?";
  let subject = "unknown";
  let state = payload.event.toUpperCase();
  if (payload.source === "agent" && payload.monitor === "custos-backend") {
    subject = `backend-link:${server}`;
    if (payload.event === "backend_unreachable") state = "UNREACHABLE";
  } else if (payload.incident?.kind === "heartbeat") subject = `server:${server}`;
  else if (payload.monitor) subject = `monitor:${server}/${payload.monitor}`;
  else if (payload.incident) subject = `${payload.incident.kind}:${payload.incident.subject_key}`;
  return {
    sender: payload.source,
    subject,
    state,
    title: payload.title || (payload.text.split("\n")[0] ?? ""),
    ackUrl: payload.ack_url,
  };
}

const range = (count: Expectation["count"]) =>
  typeof count === "number" ? { min: count, max: count } : count;
const rel = (at: number, start: number) => `+${((at - start) / 1000).toFixed(1)}s`;

export function judge(input: {
  scenario: string;
  expectations: Expectation[];
  records: SinkRecord[];
  marks: Mark[];
  start: number;
  end: number;
  notes?: string[];
}): Verdict {
  const { start, end } = input;
  const inWindow = input.records.filter((r) => r.at >= start && r.at <= end);
  const pages = inWindow.filter((r) => r.status >= 200 && r.status < 300).map(readPage);
  const findings: Finding[] = [];
  const show = (p: Page) => ({
    t: rel(p.at, start),
    at: new Date(p.at).toISOString(),
    sender: p.sender,
    title: p.title,
    body: p.body.length > 1500 ? `${p.body.slice(0, 1500)}…` : p.body,
  });
  const markAt = (name: string) => input.marks.find((m) => m.name === name && m.at >= start)?.at;

  const covered = new Set<Page>();
  const expectations = input.expectations.map((e): ExpectationResult => {
    const matching = pages.filter(
      (p) => p.channel === e.channel && p.subject === e.subject && p.state === e.state,
    );
    for (const p of matching) covered.add(p);
    const { min, max } = range(e.count);
    let latencyMs: number | null = null;
    let ok = true;
    if (matching.length < min) {
      ok = false;
      findings.push({
        kind: "missed",
        channel: e.channel,
        subject: e.subject,
        state: e.state,
        detail: `expected ${min === max ? min : `${min}..${max}`}, got ${matching.length}${e.why ? ` (${e.why})` : ""}`,
        pages: matching.map(show),
      });
    }
    if (matching.length > max) {
      ok = false;
      findings.push({
        kind: max === 0 ? "false" : "duplicate",
        channel: e.channel,
        subject: e.subject,
        state: e.state,
        detail: `expected at most ${max}, got ${matching.length}${e.why ? ` (${e.why})` : ""}`,
        pages: matching.map(show),
      });
    }
    if (e.within && matching.length > 0) {
      const from = markAt(e.within.after);
      if (from === undefined) {
        ok = false;
        findings.push({
          kind: "missed",
          channel: e.channel,
          subject: e.subject,
          state: e.state,
          detail: `mark "${e.within.after}" never set: the scenario did not reach it`,
          pages: [],
        });
      } else {
        latencyMs = matching[0]!.at - from;
        if (latencyMs > e.within.ms) {
          ok = false;
          findings.push({
            kind: "late",
            channel: e.channel,
            subject: e.subject,
            state: e.state,
            detail: `first page ${(latencyMs / 1000).toFixed(1)} s after "${e.within.after}", bound ${e.within.ms / 1000} s`,
            pages: [show(matching[0]!)],
          });
        }
      }
    }
    return { ...e, actual: matching.length, latencyMs, ok };
  });

  // a page that asks a person to act lets them acknowledge it from the page itself
  for (const p of pages) {
    if ((p.state === "DOWN" || p.state === "FLAPPING") && !p.ackUrl) {
      findings.push({
        kind: "no-ack",
        channel: p.channel,
        subject: p.subject,
        state: p.state,
        detail: `a ${p.sender} page without an acknowledge link`,
        pages: [show(p)],
      });
    }
  }

  // pages no expectation speaks about, grouped by channel+subject+state
  const uncovered = new Map<string, Page[]>();
  for (const p of pages) {
    if (covered.has(p)) continue;
    const key = `${p.channel}|${p.subject}|${p.state}`;
    uncovered.set(key, [...(uncovered.get(key) ?? []), p]);
  }
  for (const [key, list] of uncovered) {
    const [channel, subject, state] = key.split("|") as [string, string, string];
    findings.push({
      kind: "false",
      channel,
      subject,
      state,
      detail: `${list.length} page(s) with no expected event${list.length > 1 ? ` (and ${list.length - 1} duplicate(s))` : ""}`,
      pages: list.map(show),
    });
  }

  const timeline = inWindow.map((r) => {
    const p = readPage(r);
    return {
      t: rel(r.at, start),
      channel: r.channel,
      sender: p.sender,
      status: r.status,
      subject: p.subject,
      state: p.state,
      title: p.title,
    };
  });
  return {
    scenario: input.scenario,
    startedAt: new Date(start).toISOString(),
    durationMs: end - start,
    pass: findings.length === 0,
    expectations,
    findings,
    timeline,
    marks: input.marks
      .filter((m) => m.at >= start && m.at <= end)
      .map((m) => ({ t: rel(m.at, start), name: m.name })),
    notes: input.notes ?? [],
  };
}

/** A plain-text table of one verdict. */
export function formatVerdict(v: Verdict): string {
  const lines: string[] = [];
  lines.push(`== ${v.scenario}: ${v.pass ? "PASS" : "FAIL"} (${(v.durationMs / 1000).toFixed(0)} s)`);
  lines.push("   expected                                                       want   got  latency  ok");
  for (const e of v.expectations) {
    const { min, max } = range(e.count);
    const want = min === max ? String(min) : `${min}..${max}`;
    const latency = e.latencyMs === null ? "-" : `${(e.latencyMs / 1000).toFixed(1)}s`;
    lines.push(
      `   ${`${e.channel} ${e.subject} ${e.state}`.padEnd(62)} ${want.padStart(5)} ${String(e.actual).padStart(5)} ${latency.padStart(8)}  ${e.ok ? "yes" : "NO"}`,
    );
  }
  for (const f of v.findings) {
    lines.push(`   ! ${f.kind.toUpperCase()} ${f.channel} ${f.subject} ${f.state}: ${f.detail}`);
    for (const p of f.pages.slice(0, 6)) lines.push(`       ${p.t} ${p.at} from ${p.sender}: ${p.title}`);
    if (f.pages.length > 6) lines.push(`       ... ${f.pages.length - 6} more`);
  }
  lines.push(`   marks: ${v.marks.map((m) => `${m.name}@${m.t}`).join(", ")}`);
  const attempts = v.timeline.filter((t) => t.status < 200 || t.status >= 300).length;
  if (attempts) lines.push(`   failed delivery attempts seen by sinks: ${attempts}`);
  for (const n of v.notes) lines.push(`   note: ${n}`);
  return lines.join("\n");
}

export function formatSummary(verdicts: Verdict[]): string {
  const lines = ["", `${"scenario".padEnd(56)}result  false missed dup late no-ack`];
  for (const v of verdicts) {
    const n = (k: Finding["kind"]) => v.findings.filter((f) => f.kind === k).length;
    lines.push(
      `${v.scenario.padEnd(56)}${(v.pass ? "PASS" : "FAIL").padEnd(8)}${String(n("false")).padStart(5)}${String(n("missed")).padStart(7)}${String(n("duplicate")).padStart(4)}${String(n("late")).padStart(5)}${String(n("no-ack")).padStart(7)}`,
    );
  }
  const passed = verdicts.filter((v) => v.pass).length;
  lines.push(`${passed}/${verdicts.length} scenarios pass`);
  return lines.join("\n");
}
