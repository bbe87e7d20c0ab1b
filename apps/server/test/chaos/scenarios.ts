/**
 * The chaos scenarios. Each one says, before it runs, which pages it expects: on which channel,
 * for which subject, in which state, how many, and how soon after which moment. Anything a
 * sink receives that no expectation covers is a false page.
 *
 * Timings (harness DEFAULT_TIMINGS): heartbeat timeout 10 s (set per server in SQL), agent
 * heartbeat every 3 s, checks and pushes every 2 s, the backend's sweep every 10 s (the product's
 * own interval), agent_dedup_seconds 60 s and the dispatcher's retry backoff (15 s base) as the
 * product ships them.
 */
import type { AgentOptions, Harness } from "./harness.ts";
import { sleep } from "./harness.ts";
import { type Expectation, judge, type PageState, readPage, type Verdict } from "./judge.ts";

const TIMEOUT_MS = 10_000;
/** silence -> page: the heartbeat timeout plus 15 s (sweep period, restart grace slack, dispatch) */
const SILENCE_BOUND = TIMEOUT_MS + 15_000;
/**
 * agent (re)started -> RESTORED: the agent process boots (Node type stripping, several seconds on a
 * loaded 2-core machine), heartbeats at once, the backend recovers on that heartbeat
 */
const RECOVERY_BOUND = 25_000;
/** an agent-check page from the backend waits agent_dedup_seconds (60 s) for the agent's report */
const CHECK_FALLBACK_BOUND = 60_000 + 30_000;

export interface Scenario {
  name: string;
  /** agents of the harness this scenario needs */
  agents: AgentOptions[];
  expect: Expectation[];
  /** may return notes for the report */
  // biome-ignore lint/suspicious/noConfusingVoidType: most scenarios return nothing
  run(h: Harness): Promise<void | string[]>;
  /** quiet time after the last action, for late and duplicate pages to show up */
  settleMs: number;
  /**
   * Set when the scenario fails on today's product: the test is then `it.fails` and turns red the
   * day it passes, so the marker has to be removed with the fix.
   */
  knownFailure?: string;
}

const server = (name: string) => `server:chaos-${name}`;
const monitor = (name: string) => `monitor:chaos-${name}/web`;
const agentChannel = (name: string) => `agent:chaos-${name}`;

/** Waits (bounded) until a page of this channel/subject/state arrived after the mark; false if not. */
export async function waitPage(
  h: Harness,
  channel: string,
  subject: string,
  state: PageState,
  timeoutMs: number,
  since = h.marks.at(-1)?.at ?? 0,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hit = h.records.some((r) => {
      if (r.at < since || r.status < 200 || r.status >= 300) return false;
      const p = readPage(r);
      return p.channel === channel && p.subject === subject && p.state === state;
    });
    if (hit) return true;
    await sleep(250);
  }
  return false;
}

type AgentSpec = Scenario["agents"];
const ABC: AgentSpec = [{ name: "a" }, { name: "b" }, { name: "c" }];
/** agent a's own channel posts to its organization's backend channel URL: one destination */
const A_SHARED: AgentSpec = [{ name: "a", destination: "shared" }, { name: "b" }, { name: "c" }];
const C_SHARED: AgentSpec = [{ name: "a" }, { name: "b" }, { name: "c", destination: "shared" }];

export const SCENARIOS: Scenario[] = [
  {
    name: "blip (network cut 6 s < timeout)",
    agents: ABC,
    expect: [],
    async run(h) {
      h.mark("cut");
      h.cutNetwork();
      await sleep(6_000);
      h.restoreNetwork();
      h.mark("restored");
      return [...h.agents.values()].map(
        (a) => `${a.server}: ${a.link.heldTotal} connection(s) black-holed by the cut`,
      );
    },
    settleMs: 30_000,
  },
  {
    // the worst phase for a blip: the cut catches a beat in flight, so the last beat stored is
    // one interval older than the cut, and the restore comes 6 s (two beats) later, just after
    // the beat then due went into the cut: the deadline falls ~1 s after the restore, and a beat
    // that waited for its next turn (3 s) paged falsely (decision 0047)
    name: "blip catching beats in flight (cut 6 s, as a beat is sent)",
    agents: ABC,
    expect: [],
    async run(h) {
      const a = h.agent("a");
      const stored = await h.nextHeartbeat("a");
      const sentAt = a.link.sends.filter((t) => t <= stored).at(-1) ?? stored;
      // armed just before the next beat, so the bytes it catches are that beat's
      await sleep(Math.max(0, sentAt + 2_900 - Date.now()));
      await a.link.cutOnNextSend();
      const cutAt = h.mark("cut");
      await sleep(6_000);
      h.restoreNetwork("a");
      h.mark("restored");
      return [
        `chaos-a: last beat stored ${stored - sentAt} ms after its bytes left; cut ${cutAt - sentAt} ms after them; ${
          a.link.heldTotal
        } connection(s) black-holed`,
      ];
    },
    settleMs: 30_000,
  },
  {
    // a kept-alive connection that died without a reset: the next beat sent on it gets no answer
    // ever; it must give up and go again on a new connection before the timeout (decision 0047)
    name: "kept-alive connection dies silently (no reset; new connections work)",
    agents: ABC,
    expect: [],
    async run(h) {
      const a = h.agent("a");
      await h.nextHeartbeat("a");
      h.mark("silenced");
      const silenced = a.link.silenceOpen();
      // the timeout (10 s) twice over: a beat that waited 30 s for an answer would page here
      await sleep(20_000);
      return [`chaos-a: ${silenced} open connection(s) silenced right after a beat was stored`];
    },
    settleMs: 15_000,
  },
  {
    name: "kill (SIGTERM agent a, restart after 30 s)",
    agents: ABC,
    expect: [
      {
        channel: "backend",
        subject: server("a"),
        state: "DOWN",
        count: 1,
        within: { after: "silent", ms: SILENCE_BOUND },
      },
      {
        channel: "backend",
        subject: server("a"),
        state: "RESTORED",
        count: 1,
        within: { after: "agent-restarted", ms: RECOVERY_BOUND },
      },
    ],
    async run(h) {
      const a = h.agent("a");
      await a.stop();
      h.mark("silent");
      await waitPage(h, "backend", server("a"), "DOWN", 40_000);
      await sleep(Math.max(0, 30_000 - (Date.now() - h.marks.at(-1)!.at)));
      a.start();
      h.mark("agent-restarted");
      await waitPage(h, "backend", server("a"), "RESTORED", 30_000);
    },
    settleMs: 15_000,
  },
  {
    name: "power cut (SIGKILL agent a + its target off, 30 s)",
    agents: ABC,
    expect: [
      {
        channel: "backend",
        subject: server("a"),
        state: "DOWN",
        count: 1,
        within: { after: "silent", ms: SILENCE_BOUND },
      },
      {
        channel: "backend",
        subject: server("a"),
        state: "RESTORED",
        count: 1,
        within: { after: "power-back", ms: RECOVERY_BOUND },
      },
    ],
    async run(h) {
      const a = h.agent("a");
      a.target.set({ kind: "off" });
      await a.kill9();
      h.mark("silent");
      await waitPage(h, "backend", server("a"), "DOWN", 40_000);
      await sleep(Math.max(0, 30_000 - (Date.now() - h.marks.at(-1)!.at)));
      a.target.set({ kind: "ok" });
      a.start();
      h.mark("power-back");
      await waitPage(h, "backend", server("a"), "RESTORED", 30_000);
    },
    settleMs: 15_000,
  },
  {
    name: "backend restart shorter than the timeout (~3 s)",
    agents: ABC,
    expect: [],
    async run(h) {
      await h.restartServer(3_000);
    },
    settleMs: 30_000,
  },
  {
    name: "backend restart longer than the timeout, < 60 s (30 s)",
    agents: ABC,
    expect: [],
    async run(h) {
      await h.restartServer(30_000);
    },
    settleMs: 40_000,
  },
  {
    name: "backend restart longer than 60 s (75 s)",
    agents: ABC,
    expect: [],
    async run(h) {
      await h.restartServer(75_000);
    },
    settleMs: 40_000,
  },
  {
    name: "check failure, backend up",
    agents: A_SHARED,
    expect: [
      {
        channel: "backend",
        subject: monitor("a"),
        state: "DOWN",
        count: 1,
        within: { after: "target-fails", ms: 15_000 },
        why: "the agent pages this destination; the backend must not page it again",
      },
      {
        channel: "backend",
        subject: monitor("a"),
        state: "RESTORED",
        count: 1,
        within: { after: "target-ok", ms: 15_000 },
      },
    ],
    async run(h) {
      const a = h.agent("a");
      h.mark("target-fails");
      a.target.set({ kind: "fail" });
      await waitPage(h, "backend", monitor("a"), "DOWN", 20_000);
      await sleep(20_000);
      a.target.set({ kind: "ok" });
      h.mark("target-ok");
      await waitPage(h, "backend", monitor("a"), "RESTORED", 20_000);
    },
    // longer than agent_dedup_seconds: a backend page held for the agent's report would show
    settleMs: 80_000,
  },
  {
    name: "check failure, backend down",
    agents: A_SHARED,
    expect: [
      {
        channel: "backend",
        subject: monitor("a"),
        state: "DOWN",
        count: 1,
        within: { after: "target-fails", ms: 15_000 },
        why: "the agent pages this destination; the backend must not page it again",
      },
      {
        channel: "backend",
        subject: monitor("a"),
        state: "RESTORED",
        count: 1,
        within: { after: "target-ok", ms: 15_000 },
      },
    ],
    async run(h) {
      const a = h.agent("a");
      h.mark("server-stopped");
      await h.stopServer();
      h.mark("target-fails");
      a.target.set({ kind: "fail" });
      await waitPage(h, "backend", monitor("a"), "DOWN", 20_000);
      h.mark("server-starting");
      await h.startServer();
      h.mark("server-up");
      await sleep(20_000);
      a.target.set({ kind: "ok" });
      h.mark("target-ok");
      await waitPage(h, "backend", monitor("a"), "RESTORED", 20_000);
    },
    settleMs: 80_000,
  },
  {
    name: "backend sink down while agent b is down",
    agents: ABC,
    expect: [
      {
        channel: "backend",
        subject: server("b"),
        state: "DOWN",
        count: 1,
        within: { after: "sink-up", ms: 75_000 },
        why: "retried while the sink is down, delivered once when it is back",
      },
      {
        channel: "backend",
        subject: server("b"),
        state: "RESTORED",
        count: 1,
        within: { after: "agent-restarted", ms: 30_000 },
      },
    ],
    async run(h) {
      const b = h.agent("b");
      await h.backendSink.stop();
      h.mark("sink-down");
      await b.stop();
      h.mark("silent");
      await sleep(45_000);
      await h.backendSink.start();
      h.mark("sink-up");
      await waitPage(h, "backend", server("b"), "DOWN", 120_000);
      b.start();
      h.mark("agent-restarted");
      await waitPage(h, "backend", server("b"), "RESTORED", 60_000);
    },
    settleMs: 20_000,
  },
  {
    name: "flapping target (2 fail / 2 ok, 60 s)",
    agents: C_SHARED,
    expect: [
      {
        channel: "backend",
        subject: monitor("c"),
        state: "FLAPPING",
        count: 1,
        within: { after: "flap", ms: 120_000 },
        why: "one flapping notice",
      },
      // the product's flap policy (more than 5 changes in 30 min) lets the first changes page:
      // at most 3 DOWN and 3 RESTORED, then the FLAPPING notice (sent instead of the 4th DOWN)
      // and the one RESTORED that closes it; then nothing while it flaps. A page every cycle
      // would be 15 pages in these 60 s.
      {
        channel: "backend",
        subject: monitor("c"),
        state: "DOWN",
        count: { min: 0, max: 3 },
        why: "pages before the flap threshold only",
      },
      {
        channel: "backend",
        subject: monitor("c"),
        state: "RESTORED",
        count: { min: 0, max: 4 },
        why: "pages before the flap threshold, and the one closing the FLAPPING notice",
      },
    ],
    async run(h) {
      const c = h.agent("c");
      h.mark("flap");
      c.target.set({ kind: "flap", down: 2, up: 2 });
      await sleep(60_000);
      c.target.set({ kind: "ok" });
      h.mark("steady");
    },
    settleMs: 90_000,
  },
  {
    name: "flapping, then down for good (the held outage is paged)",
    agents: C_SHARED,
    expect: [
      { channel: "backend", subject: monitor("c"), state: "FLAPPING", count: 1, why: "one flapping notice" },
      {
        channel: "backend",
        subject: monitor("c"),
        state: "DOWN",
        // up to 3 before the flap threshold, and exactly one for the outage that stays (checked
        // in run: after the "stuck" mark, within 12 checks of 2 s plus slack)
        count: { min: 1, max: 4 },
        why: "the outage that stays down is paged although the monitor flapped",
      },
      {
        channel: "backend",
        subject: monitor("c"),
        state: "RESTORED",
        count: { min: 1, max: 5 },
        why: "before the threshold, closing the FLAPPING notice, and closing the stuck DOWN",
      },
    ],
    async run(h) {
      const c = h.agent("c");
      h.mark("flap");
      c.target.set({ kind: "flap", down: 2, up: 2 });
      if (!(await waitPage(h, "backend", monitor("c"), "FLAPPING", 150_000)))
        throw new Error("no FLAPPING notice within 150 s of flapping");
      await sleep(6_000);
      c.target.set({ kind: "fail" });
      h.mark("stuck");
      if (!(await waitPage(h, "backend", monitor("c"), "DOWN", 60_000)))
        throw new Error("the outage after the flapping was not paged within 60 s");
      await sleep(10_000);
      c.target.set({ kind: "ok" });
      h.mark("target-ok");
      await waitPage(h, "backend", monitor("c"), "RESTORED", 60_000);
    },
    // longer than agent_dedup_seconds: a second DOWN from the backend would show
    settleMs: 80_000,
  },
  {
    name: "agent channel broken (fallback, then late delivery)",
    agents: ABC,
    expect: [
      {
        channel: "backend",
        subject: monitor("a"),
        state: "DOWN",
        count: 1,
        within: { after: "target-fails", ms: CHECK_FALLBACK_BOUND },
        why: "the agent reported it reached no channel: the backend pages instead",
      },
      { channel: "backend", subject: monitor("a"), state: "RESTORED", count: 1 },
      {
        channel: agentChannel("a"),
        subject: monitor("a"),
        state: "DOWN",
        count: 0,
        why: "the agent's queued DOWN delivered after the incident ended is a second page",
      },
      { channel: agentChannel("a"), subject: monitor("a"), state: "RESTORED", count: { min: 0, max: 1 } },
    ],
    async run(h) {
      const a = h.agent("a");
      a.sink!.status = 500;
      h.mark("channel-broken");
      a.target.set({ kind: "fail" });
      h.mark("target-fails");
      await waitPage(h, "backend", monitor("a"), "DOWN", 120_000);
      await sleep(5_000);
      a.target.set({ kind: "ok" });
      h.mark("target-ok");
      await waitPage(h, "backend", monitor("a"), "RESTORED", 60_000);
      a.sink!.status = 200;
      h.mark("channel-fixed");
      // the agent retries with backoff: wait (bounded) for its late delivery to show, if any
      await waitPage(h, agentChannel("a"), monitor("a"), "RESTORED", 90_000);
    },
    settleMs: 15_000,
  },
  {
    name: "agent route to a shared destination broken (the backend pages, the agent not late)",
    agents: A_SHARED,
    expect: [
      {
        channel: "backend",
        subject: monitor("a"),
        state: "DOWN",
        count: 1,
        within: { after: "target-fails", ms: CHECK_FALLBACK_BOUND },
        why: "the agent reached no channel: the backend pages its destination instead",
      },
      {
        channel: "backend",
        subject: monitor("a"),
        state: "RESTORED",
        count: 1,
        why: "the agent learns the backend paged both; its queued pages are not sent late",
      },
    ],
    async run(h) {
      const a = h.agent("a");
      h.backendSink.refuseAgents = true;
      h.mark("agent-route-broken");
      a.target.set({ kind: "fail" });
      h.mark("target-fails");
      await waitPage(h, "backend", monitor("a"), "DOWN", 120_000);
      await sleep(5_000);
      a.target.set({ kind: "ok" });
      h.mark("target-ok");
      await waitPage(h, "backend", monitor("a"), "RESTORED", 60_000);
      // a few heartbeats for the agent to learn what the backend paged, then its route works again
      await sleep(10_000);
      h.backendSink.refuseAgents = false;
      h.mark("agent-route-fixed");
    },
    // the agent retries with backoff (5 s base, 5 min cap): a late page would show within this
    settleMs: 90_000,
  },
  {
    name: "degraded then down (critical-only rule)",
    agents: [{ name: "a" }, { name: "d", destination: "none" }],
    expect: [
      {
        channel: "backend",
        subject: monitor("d"),
        state: "DOWN",
        count: 1,
        within: { after: "target-fails", ms: CHECK_FALLBACK_BOUND },
        why: "the degraded incident became down; agent d has no channel of its own",
      },
      { channel: "backend", subject: monitor("d"), state: "RESTORED", count: 1 },
    ],
    async run(h) {
      const d = h.agent("d");
      d.target.set({ kind: "slow", delayMs: 900 });
      h.mark("target-degraded");
      await sleep(20_000);
      d.target.set({ kind: "fail" });
      h.mark("target-fails");
      await waitPage(h, "backend", monitor("d"), "DOWN", 120_000);
      await sleep(5_000);
      d.target.set({ kind: "ok" });
      h.mark("target-ok");
      await waitPage(h, "backend", monitor("d"), "RESTORED", 60_000);
    },
    settleMs: 15_000,
  },
];

/** The subset inside `npm test` (one harness, about three minutes). */
export const SHORT = [
  "blip (network cut 6 s < timeout)",
  "blip catching beats in flight (cut 6 s, as a beat is sent)",
  "kill (SIGTERM agent a, restart after 30 s)",
  "backend restart shorter than the timeout (~3 s)",
];

export function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

/** Runs one scenario on a running harness and judges it. */
export async function runScenario(h: Harness, s: Scenario): Promise<Verdict> {
  await h.waitHealthy(60_000);
  const start = h.mark(`start ${s.name}`);
  const notes: string[] = [];
  try {
    notes.push(...((await s.run(h)) ?? []));
  } catch (error) {
    notes.push(`the scenario's actions failed: ${String(error)}`);
  }
  h.mark("settle");
  await sleep(s.settleMs);
  const end = Date.now();
  const verdict = judge({
    scenario: s.name,
    expectations: s.expect,
    records: h.records,
    marks: h.marks,
    start,
    end,
    notes,
  });
  if (!verdict.pass) {
    for (const line of h.serverProblems()) verdict.notes.push(`server log: ${line.slice(0, 600)}`);
  }
  // what the backend stored (incidents, outbox rows with their status: delivered, suppressed ...,
  // the agent's reported pages), so a pass shows why nobody was paged and a failure can be read
  // without rerunning; in full when the scenario failed, in one line otherwise
  for (const agent of h.agents.values()) {
    try {
      const view = await h.backendView(agent.options.name);
      verdict.notes.push(
        verdict.pass
          ? `backend, ${agent.server}: incidents ${view.incidents.map((i) => `${i.kind}${i.resolved_at ? "" : " (open)"}`).join(", ") || "none"}; outbox ${view.outbox.map((o) => `${o.event}:${o.status}`).join(", ") || "empty"}; agent pages ${view.agentAlerts.map((a) => `${a.monitor}:${a.state}`).join(", ") || "none"}`
          : `backend state of ${agent.server}: ${JSON.stringify(view)}`,
      );
    } catch (error) {
      verdict.notes.push(`backend state of ${agent.server} unavailable: ${String(error)}`);
    }
  }
  return verdict;
}
