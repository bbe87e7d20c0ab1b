import { randomUUID } from "node:crypto";
import { destinationKeys, destinationNames } from "@custos/protocol";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  acknowledgeIncident,
  createApiKey,
  createApp,
  createOrganization,
  dispatchDue,
  runEscalations,
  runSweep,
} from "../src/index.ts";
import { setup } from "./harness.ts";
import { startSink } from "./sinks.ts";

type H = Awaited<ReturnType<typeof setup>>;
let h: H;
let sinkA: Awaited<ReturnType<typeof startSink>>;
let sinkB: Awaited<ReturnType<typeof startSink>>;
let channels: { a: string; b: string };

beforeAll(async () => {
  sinkA = await startSink();
  sinkB = await startSink();
});
afterAll(async () => {
  await sinkA.close();
  await sinkB.close();
});

beforeEach(async () => {
  h = await setup({ retryBaseMs: 20, retryCapMs: 50, maxDeliveryAttempts: 3 });
  sinkA.received.length = 0;
  sinkB.received.length = 0;
  sinkA.answer(200);
  sinkB.answer(200);
  // the sweep has been running (no restart grace) unless a test says otherwise
  await h.sql`insert into private.job_runs (job, last_run_at, resumed_at) values ('sweep', now(), now() - interval '1 day')`;
  await h.sql`update organizations set agent_dedup_seconds = 0`;
  channels = {
    a: await addWebhookChannel(h, "ops-hook", sinkA.url),
    b: await addWebhookChannel(h, "oncall-hook", sinkB.url),
  };
  await h.sql`insert into alert_rules (org_id, name, channel_ids) values (${h.orgId}, 'everything', ${[channels.a, channels.b]})`;
});
afterEach(() => h.close());

async function addWebhookChannel(harness: H, name: string, url: string) {
  const [row] = await harness.sql`
    insert into channels (org_id, name, kind, config) values (${harness.orgId}, ${name}, 'webhook', ${harness.sql.json({ url })}) returning id`;
  await harness.sql`insert into channel_secrets (channel_id, org_id, secret) values (${row?.id}, ${harness.orgId}, ${harness.sql.json({ signing_secret: "a-signing-secret-of-some-length" })})`;
  return row?.id as string;
}

/** A registered, approved server whose last heartbeat was `secondsAgo` ago. */
async function serverSilentFor(secondsAgo: number, name = "web-1") {
  const serverId = await h.register(name);
  await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
  await h.sql`update servers set last_heartbeat_at = now() - ${`${secondsAgo} seconds`}::interval where id = ${serverId}`;
  return serverId;
}

const events = (sink: typeof sinkA) => sink.received.map((r) => r.json().event as string);
/** A webhook URL's destination key (protocol destinations.ts), as agent and backend compute it. */
const keyOf = async (url: string) =>
  (await destinationKeys(destinationNames("webhook", { url })))[0] as string;

describe("heartbeat sweep", () => {
  it("pages exactly once per channel when heartbeats stop, and once 'restored' with the duration when they return", async () => {
    const serverId = await serverSilentFor(200);
    await runSweep({ ctx: h.app.ctx });
    await runSweep({ ctx: h.app.ctx });
    await dispatchDue({ ctx: h.app.ctx });
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down"]);
    expect(events(sinkB)).toEqual(["down"]);
    expect(sinkA.received[0]?.json().title).toBe("DOWN: web-1 stopped sending heartbeats");
    const [server] = await h.sql`select status from servers where id = ${serverId}`;
    expect(server?.status).toBe("down");

    await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down", "restored"]);
    console.error(
      await h.sql`select channel_id, event, status, attempts, last_error, suppressed_reason from notification_outbox order by id`,
      channels,
    );
    expect(events(sinkB)).toEqual(["down", "restored"]);
    const restored = sinkA.received[1]?.json();
    expect(restored.incident.duration_seconds).toBeGreaterThanOrEqual(199);
    expect(restored.incident.duration_seconds).toBeLessThan(215);
    expect(restored.text).toMatch(/Back after 3m 2\ds/);
  });

  it("pages nobody for a 30-second blip shorter than the timeout", async () => {
    await serverSilentFor(30);
    await runSweep({ ctx: h.app.ctx });
    await dispatchDue({ ctx: h.app.ctx });
    const [row] =
      await h.sql`select (select count(*) from incidents)::int as incidents, (select count(*) from notification_outbox)::int as outbox`;
    expect(row).toEqual({ incidents: 0, outbox: 0 });
    expect(sinkA.received).toHaveLength(0);
  });

  it("opens one incident and one notification per channel when sweeps race", async () => {
    await serverSilentFor(500);
    const others = Array.from({ length: 4 }, () =>
      createApp({ sql: postgres(h.url, { max: 1, onnotice: () => undefined }) }),
    );
    try {
      await Promise.all([runSweep({ ctx: h.app.ctx }), ...others.map((o) => runSweep({ ctx: o.ctx }))]);
    } finally {
      await Promise.all(others.map((o) => o.ctx.sql.end()));
    }
    const [row] =
      await h.sql`select (select count(*) from incidents)::int as incidents, (select count(*) from notification_outbox)::int as outbox`;
    expect(row).toEqual({ incidents: 1, outbox: 2 });
  });

  it("gives every server a full timeout after the sweep was not running (no storm after a backend restart)", async () => {
    await serverSilentFor(600);
    await h.sql`update private.job_runs set last_run_at = now() - interval '1 hour', resumed_at = now() - interval '2 hours'`;
    await runSweep({ ctx: h.app.ctx });
    const [quiet] = await h.sql`select count(*)::int as n from incidents`;
    expect(quiet?.n).toBe(0);
    // a full timeout (120 s) after the sweep resumed, the silent server goes down
    await h.sql`update private.job_runs set resumed_at = now() - interval '121 seconds'`;
    await runSweep({ ctx: h.app.ctx });
    const [down] = await h.sql`select count(*)::int as n from incidents`;
    expect(down?.n).toBe(1);
  });

  it("pages nobody after a backend outage longer than the timeout but shorter than 60 s", async () => {
    // the sweep (every 10 s) last ran 40 s ago: the backend was down; the server's last
    // heartbeat is 45 s old, far past its 20 s timeout, and none could have been received
    const serverId = await serverSilentFor(45);
    await h.sql`update servers set heartbeat_timeout_seconds = 20 where id = ${serverId}`;
    await h.sql`update private.job_runs set last_run_at = now() - interval '40 seconds'`;
    await runSweep({ ctx: h.app.ctx });
    expect((await h.sql`select count(*)::int as n from incidents`)[0]?.n).toBe(0);
    // a full timeout after the sweep resumed, a server still silent goes down
    await h.sql`update private.job_runs set resumed_at = now() - interval '21 seconds'`;
    await runSweep({ ctx: h.app.ctx });
    expect((await h.sql`select count(*)::int as n from incidents`)[0]?.n).toBe(1);
  });

  it("gives a full timeout after the backend started, however short its outage was", async () => {
    // the previous sweep ran a moment ago (an outage shorter than one interval), yet the
    // process has just started: it could not receive heartbeats while it was not running
    await serverSilentFor(300);
    await runSweep({ ctx: h.app.ctx, backendStarted: true });
    expect((await h.sql`select count(*)::int as n from incidents`)[0]?.n).toBe(0);
    const [run] =
      await h.sql`select (now() - resumed_at) < interval '5 seconds' as fresh from private.job_runs`;
    expect(run?.fresh).toBe(true);
  });

  it("still pages a silent server when the sweep runs late by less than two intervals", async () => {
    await serverSilentFor(300);
    await h.sql`update private.job_runs set last_run_at = now() - interval '15 seconds'`;
    await runSweep({ ctx: h.app.ctx });
    expect((await h.sql`select count(*)::int as n from incidents`)[0]?.n).toBe(1);
  });

  it("names a silent server's incident by server id, 'heartbeat' and the last heartbeat's time", async () => {
    const serverId = await serverSilentFor(300);
    await runSweep({ ctx: h.app.ctx });
    await dispatchDue({ ctx: h.app.ctx });
    const [row] = await h.sql<{ at: string }[]>`
      select to_char(last_heartbeat_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
      from servers where id = ${serverId}`;
    expect(sinkA.received[0]?.json().incident_key).toBe(`${serverId}:heartbeat:${row?.at}`);
  });

  it("says 'agent dead (host answers)' when the server's public endpoint still answers", async () => {
    const serverId = await serverSilentFor(300);
    await h.sql`update servers set public_endpoint = 'http://127.0.0.1:1/' where id = ${serverId}`;
    const ctx = { ...h.app.ctx, probeEndpoint: async () => true };
    const result = await runSweep({ ctx });
    expect(result.down[0]?.cause).toBe("agent dead (host answers)");
    await dispatchDue({ ctx: h.app.ctx });
    expect(sinkA.received[0]?.json().text).toContain("Cause: agent dead (host answers)");
    const other = await serverSilentFor(300, "web-2");
    await h.sql`update servers set public_endpoint = '10.255.255.1:22' where id = ${other}`;
    const second = await runSweep({ ctx: { ...h.app.ctx, probeEndpoint: async () => false } });
    expect(second.down[0]?.cause).toBe("host or network down (no answer)");
  });
});

describe("agent check state machine", () => {
  async function report(
    serverId: string,
    statuses: string[],
    monitor = "http:api",
    startMs = Date.now() - 60_000,
  ) {
    await h.call("/checks", {
      server_id: serverId,
      batch_id: randomUUID(),
      results: statuses.map((status, i) => ({
        monitor,
        type: "http",
        status,
        ts: new Date(startMs + i * 1000).toISOString(),
      })),
    });
  }

  it("opens an incident only after two consecutive failures and resolves after two successes", async () => {
    const serverId = await serverSilentFor(1);
    await report(serverId, ["down", "ok", "down"]);
    expect((await h.sql`select count(*)::int as n from incidents`)[0]?.n).toBe(0);
    await report(serverId, ["down"], "http:api", Date.now() - 10_000);
    const [open] = await h.sql`select status, kind, severity from incidents`;
    expect(open).toEqual({ status: "open", kind: "agent_check", severity: "critical" });
    await report(serverId, ["ok"], "http:api", Date.now() - 5_000);
    expect((await h.sql`select status from incidents`)[0]?.status).toBe("open");
    await report(serverId, ["ok"], "http:api", Date.now() - 4_000);
    expect((await h.sql`select status from incidents`)[0]?.status).toBe("resolved");
  });

  it("marks a flapping monitor and notifies that once instead of every change", async () => {
    const serverId = await serverSilentFor(1);
    await h.sql`update organizations set flap_threshold = 3`;
    const base = Date.now() - 100_000;
    const pairs = ["down", "ok", "down", "ok", "down"];
    for (const [i, status] of pairs.entries()) {
      await report(serverId, [status, status], "http:api", base + i * 10_000);
      await dispatchDue({ ctx: h.app.ctx });
    }
    const incidents = await h.sql`select flapping from incidents order by opened_at`;
    expect(incidents.map((i) => i.flapping)).toEqual([false, false, true]);
    // changes 1-3 page normally; the 4th change exceeds the threshold of 3: flapping, paged once
    expect(events(sinkA)).toEqual(["down", "restored", "down", "restored", "flapping"]);
  });

  it("pages a down held while the monitor flapped once it is stuck down: after failures-to-open x (threshold + 1) failures in a row", async () => {
    const serverId = await serverSilentFor(1);
    await h.sql`update organizations set flap_threshold = 3`;
    const base = Date.now() - 100_000;
    const pairs = ["down", "ok", "down", "ok", "down", "ok", "down"];
    for (const [i, status] of pairs.entries()) {
      await report(serverId, [status, status], "http:api", base + i * 10_000);
      await dispatchDue({ ctx: h.app.ctx });
    }
    // the last outage is held: the FLAPPING notice went out moments ago
    expect(events(sinkA)).toEqual(["down", "restored", "down", "restored", "flapping", "restored"]);
    // it stays down: 2 failures so far, 2 x (3 + 1) = 8 in a row page its down
    await report(serverId, Array(5).fill("down"), "http:api", base + 71_000);
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toHaveLength(6);
    await report(serverId, ["down"], "http:api", base + 77_000);
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA).slice(6)).toEqual(["down"]);
    // once: more failures page nothing more, and its restored follows
    await report(serverId, ["down", "down", "ok", "ok"], "http:api", base + 78_000);
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA).slice(6)).toEqual(["down", "restored"]);
  });

  it("raises a degraded incident to critical when the monitor goes down, paging the critical-only rule once", async () => {
    const serverId = await serverSilentFor(1);
    // channel a hears every incident (beforeEach); channel c only critical ones, like an SMS rule
    const sinkC = await startSink();
    try {
      const c = await addWebhookChannel(h, "sms-like", sinkC.url);
      await h.sql`update alert_rules set channel_ids = ${[channels.a]}`;
      await h.sql`insert into alert_rules (org_id, name, channel_ids, min_severity)
                  values (${h.orgId}, 'critical only', ${[c]}, 'critical')`;
      const base = Date.now() - 60_000;
      await report(serverId, ["degraded", "degraded"], "http:api", base);
      await dispatchDue({ ctx: h.app.ctx });
      expect((await h.sql`select severity from incidents`)[0]?.severity).toBe("warning");
      expect(events(sinkA)).toEqual(["down"]);
      expect(sinkC.received).toHaveLength(0);

      await report(serverId, ["down", "down"], "http:api", base + 10_000);
      await dispatchDue({ ctx: h.app.ctx });
      const [incident] = await h.sql`select severity, title, status from incidents`;
      expect(incident).toEqual({ severity: "critical", title: "web-1 / http:api is down", status: "open" });
      expect(sinkC.received.map((r) => r.json().event)).toEqual(["down"]);
      // the channel that already had this incident's page is not paged again for it
      expect(events(sinkA)).toEqual(["down"]);
    } finally {
      await sinkC.close();
    }
  });

  /** The agent's report of a page it sent itself, with the destinations that carried it. */
  async function agentPaged(
    serverId: string,
    startedAt: Date,
    destinations: string[] | undefined,
    state: "down" | "flapping" | "restored" = "down",
  ) {
    await h.call("/alerts", {
      server_id: serverId,
      batch_id: randomUUID(),
      alerts: [
        {
          incident_key: `${serverId}:http:api:${startedAt.toISOString()}`,
          monitor: "http:api",
          state,
          started_at: startedAt.toISOString(),
          sent_at: new Date().toISOString(),
          channels: ["webhook"],
          ...(destinations ? { destinations } : {}),
        },
      ],
    });
  }

  it("does not page again a destination the agent already paged for the same incident; other destinations are paged", async () => {
    const serverId = await serverSilentFor(1);
    await h.sql`update organizations set agent_dedup_seconds = 60`;
    const started = new Date(Date.now() - 30_000);
    await report(serverId, ["down", "down"], "http:api", started.getTime());
    // the agent's own webhook is the same URL as channel a's
    await agentPaged(serverId, started, [await keyOf(sinkA.url)]);
    // the hold for the agent's report has passed
    await h.sql`update notification_outbox set next_attempt_at = now()`;
    const result = await dispatchDue({ ctx: h.app.ctx });
    expect(result).toMatchObject({ delivered: 1, suppressed: 1 });
    expect(sinkA.received).toHaveLength(0);
    expect(events(sinkB)).toEqual(["down"]);
    const rows = await h.sql`select suppressed_reason from notification_outbox where status = 'suppressed'`;
    expect(rows.map((r) => r.suppressed_reason)).toEqual([
      "the agent already paged this destination for this incident",
    ]);
  });

  it("holds a FLAPPING notice for the agent's report like a DOWN, and does not page a destination the agent's late report covers", async () => {
    const serverId = await serverSilentFor(1);
    await h.sql`update organizations set flap_threshold = 3, agent_dedup_seconds = 60`;
    const base = Date.now() - 100_000;
    for (const [i, status] of ["down", "ok", "down", "ok", "down"].entries()) {
      await report(serverId, [status, status], "http:api", base + i * 10_000);
    }
    const [flapping] = await h.sql<{ id: number; held_s: number; status: string }[]>`
      select id, status::text, extract(epoch from next_attempt_at - created_at)::int as held_s
      from notification_outbox where event = 'flapping' and channel_id = ${channels.a}`;
    expect(flapping).toMatchObject({ status: "pending", held_s: 60 });
    // the agent's report of its own FLAPPING page arrives after the backend's notice was queued
    const [incident] = await h.sql<{ started_at: Date }[]>`
      select started_at from incidents where flapping order by started_at desc limit 1`;
    await agentPaged(serverId, incident?.started_at as Date, [await keyOf(sinkA.url)], "flapping");
    await h.sql`update notification_outbox set next_attempt_at = now() where event = 'flapping'`;
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).not.toContain("flapping");
    const [after] =
      await h.sql`select status::text from notification_outbox where id = ${flapping?.id as number}`;
    expect(after?.status).toBe("suppressed");
  });

  it("carries the incident key the agent uses for the same incident, so a receiver can join both paths' pages", async () => {
    const serverId = await serverSilentFor(1);
    const started = new Date(Date.now() - 30_000);
    await report(serverId, ["down", "down"], "http:api", started.getTime());
    await dispatchDue({ ctx: h.app.ctx });
    const page = sinkA.received[0]?.json();
    const agentKey = `${serverId}:http:api:${started.toISOString()}`;
    expect(page?.incident_key).toBe(agentKey);
    expect(page?.text).toContain(`Incident: ${agentKey}`);
  });

  it("pages a new incident although the agent paged the same monitor's earlier incident on the same destination", async () => {
    const serverId = await serverSilentFor(1);
    const first = new Date(Date.now() - 600_000);
    await report(serverId, ["down", "down", "ok", "ok"], "http:api", first.getTime());
    await agentPaged(serverId, first, [await keyOf(sinkA.url)]);
    await agentPaged(serverId, first, [await keyOf(sinkA.url)], "restored");
    await dispatchDue({ ctx: h.app.ctx });
    sinkA.received.length = 0;
    // a new outage; the agent's channel is broken this time, so it reports nothing
    await report(serverId, ["down", "down"], "http:api", Date.now() - 30_000);
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down"]);
  });

  it("pages when the agent's page went to another URL of the same kind, or when an older agent names no destinations", async () => {
    const serverId = await serverSilentFor(1);
    const started = new Date(Date.now() - 30_000);
    await report(serverId, ["down", "down"], "http:api", started.getTime());
    await agentPaged(serverId, started, [await keyOf("http://127.0.0.1:9/elsewhere")]);
    await agentPaged(serverId, started, undefined, "down");
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down"]);
    expect(events(sinkB)).toEqual(["down"]);
  });
});

describe("what the backend tells an agent it paged", () => {
  const heartbeat = (serverId: string, awaiting?: unknown[]) =>
    h.call("/heartbeat", {
      server_id: serverId,
      sent_at: new Date().toISOString(),
      ...(awaiting ? { awaiting_pages: awaiting } : {}),
    });
  async function checks(serverId: string, statuses: string[], startMs: number) {
    await h.call("/checks", {
      server_id: serverId,
      batch_id: randomUUID(),
      results: statuses.map((status, i) => ({
        monitor: "http:api",
        type: "http",
        status,
        ts: new Date(startMs + i * 1000).toISOString(),
      })),
    });
  }

  it("answers a heartbeat that asks about undelivered pages with those the backend delivered and where", async () => {
    const serverId = await serverSilentFor(1);
    const started = Date.now() - 60_000;
    await checks(serverId, ["down", "down"], started);
    sinkB.answer(500);
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down"]);

    const down = { monitor: "http:api", started_at: new Date(started).toISOString(), state: "down" };
    const res = await heartbeat(serverId, [
      down,
      // not paged yet (the incident is open), another monitor, a start outside any incident
      { ...down, state: "restored" },
      { ...down, monitor: "disk:/" },
      { ...down, started_at: new Date(started - 3_600_000).toISOString() },
    ]);
    expect(res.status).toBe(200);
    // channel b's delivery failed: only channel a's destination was reached
    expect(res.body.paged).toEqual([{ ...down, destinations: [await keyOf(sinkA.url)] }]);

    // resolved: the restored page went where the down page went (channel b's late down and
    // its restored are not sent at all once the incident is over)
    sinkB.answer(200);
    await checks(serverId, ["ok", "ok"], Date.now() - 5_000);
    await h.sql`update notification_outbox set next_attempt_at = now() where status = 'pending'`;
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down", "restored"]);
    expect(events(sinkB)).toEqual([]);
    const after = await heartbeat(serverId, [{ ...down, state: "restored" }]);
    expect(after.body.paged).toEqual([
      { ...down, state: "restored", destinations: [await keyOf(sinkA.url)] },
    ]);
  });

  it("answers nothing about another organization's server and omits the list when none was asked", async () => {
    const serverId = await serverSilentFor(1);
    const started = Date.now() - 60_000;
    await checks(serverId, ["down", "down"], started);
    await dispatchDue({ ctx: h.app.ctx });
    expect((await heartbeat(serverId)).body).not.toHaveProperty("paged");
    const { id: otherOrg } = await createOrganization({ ctx: { sql: h.sql }, input: { name: "Other" } });
    const { key: other } = await createApiKey({
      ctx: { sql: h.sql },
      input: { org_id: otherOrg, scope: "agent" },
    });
    const res = await h.call(
      "/heartbeat",
      {
        server_id: serverId,
        sent_at: new Date().toISOString(),
        awaiting_pages: [{ monitor: "http:api", started_at: new Date(started).toISOString(), state: "down" }],
      },
      { key: other },
    );
    expect(res.status).toBe(404);
  });

  it("refuses more than 20 awaited pages and a malformed one, naming the field", async () => {
    const serverId = await serverSilentFor(1);
    const page = { monitor: "http:api", started_at: new Date().toISOString(), state: "down" };
    const tooMany = await heartbeat(serverId, Array(21).fill(page));
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain("awaiting_pages");
    const badState = await heartbeat(serverId, [{ ...page, state: "backend_unreachable" }]);
    expect(badState.status).toBe(400);
    expect(JSON.stringify(badState.body)).toContain("awaiting_pages.0.state");
  });
});

describe("suppression", () => {
  it("records incidents but sends nothing during a maintenance window", async () => {
    const serverId = await serverSilentFor(300);
    await h.sql`insert into maintenance_windows (org_id, server_id, starts_at, ends_at, reason)
                values (${h.orgId}, ${serverId}, now() - interval '1 minute', now() + interval '1 hour', 'kernel upgrade')`;
    await runSweep({ ctx: h.app.ctx });
    await dispatchDue({ ctx: h.app.ctx });
    expect(sinkA.received).toHaveLength(0);
    const [incident] = await h.sql`select count(*)::int as n from incidents`;
    expect(incident?.n).toBe(1);
    const reasons = await h.sql`select distinct suppressed_reason from notification_outbox`;
    expect(reasons.map((r) => r.suppressed_reason)).toEqual(["maintenance window"]);
    // and no "restored" for a down nobody was told about
    await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
    await dispatchDue({ ctx: h.app.ctx });
    expect(sinkA.received).toHaveLength(0);
  });

  it("does not page a monitor separately while its server is down", async () => {
    const serverId = await serverSilentFor(300);
    await runSweep({ ctx: h.app.ctx });
    await h.call("/checks", {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [0, 1].map((i) => ({
        monitor: "systemd:nginx",
        status: "down",
        ts: new Date(Date.now() - 10_000 + i * 1000).toISOString(),
      })),
    });
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down"]);
    expect(sinkA.received[0]?.json().incident.kind).toBe("heartbeat");
    const [monitorIncident] =
      await h.sql`select count(*)::int as n from incidents where kind = 'agent_check'`;
    expect(monitorIncident?.n).toBe(1);
  });
});

describe("escalation and repeats", () => {
  it("escalates an unacknowledged incident after N minutes and not an acknowledged one", async () => {
    const sms = { id: await addWebhookChannel(h, "escalation-hook", sinkB.url) };
    await h.sql`update alert_rules set channel_ids = ${[channels.a]}, escalate_after_minutes = 5, escalation_channel_ids = ${[sms?.id]}`;
    await serverSilentFor(300, "a");
    await serverSilentFor(300, "b");
    await runSweep({ ctx: h.app.ctx });
    const [first, second] = await h.sql`select id from incidents order by title`;
    await runEscalations({ ctx: h });
    expect(
      (await h.sql`select count(*)::int as n from notification_outbox where event = 'escalation'`)[0]?.n,
    ).toBe(0);

    const user = randomUUID();
    await h.sql`insert into auth.users (id, email) values (${user}, 'oncall@example.com')`;
    await h.sql`insert into memberships (org_id, user_id, role) values (${h.orgId}, ${user}, 'member')`;
    await acknowledgeIncident({
      ctx: h,
      caller: { sub: user, role: "authenticated" },
      input: { org_id: h.orgId, incident_id: second?.id },
    });
    await h.sql`update incidents set opened_at = now() - interval '6 minutes'`;
    await runEscalations({ ctx: h });
    await dispatchDue({ ctx: h.app.ctx });
    const escalations = sinkB.received.filter((r) => r.json().event === "escalation");
    expect(escalations).toHaveLength(1);
    expect(escalations[0]?.json().incident.id).toBe(first?.id);
  });

  it("repeats every N minutes while unacknowledged and stops once acknowledged", async () => {
    await h.sql`update alert_rules set channel_ids = ${[channels.a]}, repeat_mode = 'repeat', repeat_every_minutes = 1`;
    await serverSilentFor(300);
    await runSweep({ ctx: h.app.ctx });
    const [incident] = await h.sql`select id from incidents`;
    await h.sql`update incidents set opened_at = now() - interval '2 minutes 5 seconds'`;
    await runEscalations({ ctx: h });
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down", "repeat"]);
    expect(sinkA.received[1]?.json().title).toMatch(/^STILL DOWN/);

    await h.sql`update incidents set opened_at = now() - interval '3 minutes 5 seconds'`;
    await runEscalations({ ctx: h }); // queues repeat 3, not yet sent
    const user = randomUUID();
    await h.sql`insert into auth.users (id, email) values (${user}, 'me@example.com')`;
    await h.sql`insert into memberships (org_id, user_id, role) values (${h.orgId}, ${user}, 'member')`;
    await acknowledgeIncident({
      ctx: h,
      caller: { sub: user, role: "authenticated" },
      input: { org_id: h.orgId, incident_id: incident?.id },
    });
    await dispatchDue({ ctx: h.app.ctx });
    await h.sql`update incidents set opened_at = now() - interval '10 minutes'`;
    await runEscalations({ ctx: h });
    await dispatchDue({ ctx: h.app.ctx });
    expect(events(sinkA)).toEqual(["down", "repeat"]);
    const [acked] = await h.sql`select status, acknowledged_by from incidents`;
    expect(acked).toEqual({ status: "acknowledged", acknowledged_by: user });
  });
});

describe("delivery", () => {
  it("retries a channel that is down and delivers once it is back; other channels are not held up", async () => {
    sinkA.answer(503);
    await serverSilentFor(300);
    await runSweep({ ctx: h.app.ctx });
    const first = await dispatchDue({ ctx: h.app.ctx });
    expect(first).toMatchObject({ delivered: 1, retried: 1 });
    expect(events(sinkB)).toEqual(["down"]);
    sinkA.answer(200);
    await new Promise((r) => setTimeout(r, 120));
    const second = await dispatchDue({ ctx: h.app.ctx });
    expect(second).toMatchObject({ delivered: 1 });
    expect(events(sinkA)).toEqual(["down"]);
    const [row] =
      await h.sql`select attempts, status from notification_outbox where channel_id = ${channels.a}`;
    expect(row).toEqual({ attempts: 2, status: "delivered" });
  });

  it("marks a notification dead after the last attempt and keeps the error", async () => {
    sinkA.answer(503);
    await serverSilentFor(300);
    await runSweep({ ctx: h.app.ctx });
    for (let i = 0; i < 5; i++) {
      await dispatchDue({ ctx: h.app.ctx });
      await new Promise((r) => setTimeout(r, 120));
    }
    const [row] =
      await h.sql`select attempts, status, last_error from notification_outbox where channel_id = ${channels.a}`;
    expect(row?.status).toBe("dead");
    expect(row?.attempts).toBe(3);
    expect(row?.last_error).toMatch(/503/);
    expect(sinkA.received).toHaveLength(0);
  });
});
