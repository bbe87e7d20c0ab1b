/**
 * The outage log (decision 0044) end to end in the backend: agent events in through
 * `/agent/events` and the combined push's `events` part (validated field by field, stored once
 * per batch id and per event id, nothing written on a refusal), out through the organization's
 * and the server's lists (filters, keyset paging) and the CSV/JSON export, never across orgs.
 */
import { randomUUID } from "node:crypto";
import { AgentEventExportRow, AgentEventList } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { pruneAgentEvents } from "../../src/agent-events/prune.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let edge: string;
let nas: string;
let serverB: string;
const HOUR = 3_600_000;
const base = Math.floor((Date.now() - 5 * HOUR) / 1000) * 1000;
const at = (offsetMs: number) => new Date(base + offsetMs).toISOString();

function outageEnded(startMs: number, endMs: number, extra: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    kind: "outage_ended",
    monitor: "internet",
    occurred_at: at(endMs),
    started_at: at(startMs),
    ended_at: at(endMs),
    duration_ms: endMs - startMs,
    message: `internet outage: ${Math.round((endMs - startMs) / 1000)}s`,
    data: { targets: ["1.1.1.1", "8.8.8.8"] },
    ...extra,
  };
}

async function countEvents(serverId: string) {
  const [row] = await d.sql<
    { n: number }[]
  >`select count(*)::int as n from agent_events where server_id = ${serverId}`;
  return row?.n ?? 0;
}

beforeAll(async () => {
  d = await setupDashboard();
  edge = await d.register("edge-1");
  nas = await d.register("nas-1");
  serverB = await d.register("b-1", d.agentKeyB);
});
afterAll(() => d.close());

describe("POST /agent/events", () => {
  it("stores an outage with start, end, duration and targets, and a replay of the batch stores nothing twice", async () => {
    const batch = { server_id: edge, batch_id: randomUUID(), events: [outageEnded(0, 95_250)] };
    const first = await d.agent("/events", batch);
    expect(first).toMatchObject({ status: 200, body: { stored: true, accepted: 1 } });
    const again = await d.agent("/events", batch);
    expect(again).toMatchObject({ status: 200, body: { stored: false, accepted: 1 } });
    // the same event in another batch (a batch split after 413) is still one row
    const split = await d.agent("/events", { ...batch, batch_id: randomUUID() });
    expect(split.status).toBe(200);
    expect(await countEvents(edge)).toBe(1);
    const [row] =
      await d.sql`select duration_ms, started_at, ended_at, data from agent_events where server_id = ${edge}`;
    expect(row).toMatchObject({ duration_ms: "95250", data: { targets: ["1.1.1.1", "8.8.8.8"] } });
    const { started_at, ended_at } = row as { started_at: Date; ended_at: Date };
    expect(ended_at.getTime() - started_at.getTime()).toBe(95_250);
  });

  const valid = () => outageEnded(HOUR, HOUR + 60_000);
  it.each([
    ["a missing events list", (b: Record<string, unknown>) => ({ ...b, events: undefined }), "events"],
    ["an empty events list", (b: Record<string, unknown>) => ({ ...b, events: [] }), "events"],
    [
      "201 events",
      (b: Record<string, unknown>) => ({ ...b, events: Array.from({ length: 201 }, valid) }),
      "events",
    ],
    [
      "an unknown kind",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), kind: "coup" }] }),
      "events.0.kind",
    ],
    [
      "a missing id",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), id: undefined }] }),
      "events.0.id",
    ],
    [
      "an id that is not a uuid",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), id: "1 or 1=1" }] }),
      "events.0.id",
    ],
    [
      "a message over 500 characters",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), message: "x".repeat(501) }] }),
      "events.0.message",
    ],
    [
      "a message with a NUL byte",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), message: "a\u0000b" }] }),
      "events.0.message",
    ],
    [
      "an empty message",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), message: "" }] }),
      "events.0.message",
    ],
    [
      "a time that is not a time",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), occurred_at: "yesterday" }] }),
      "events.0.occurred_at",
    ],
    [
      "an event older than seven days",
      (b: Record<string, unknown>) => ({
        ...b,
        events: [{ ...valid(), occurred_at: Date.now() - 8 * 24 * HOUR }],
      }),
      "events.0.occurred_at",
    ],
    [
      "an event in the future",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), occurred_at: Date.now() + HOUR }] }),
      "events.0.occurred_at",
    ],
    [
      "an end before the start",
      (b: Record<string, unknown>) => ({
        ...b,
        events: [{ ...valid(), ended_at: at(0), started_at: at(HOUR) }],
      }),
      "events.0.ended_at",
    ],
    // found by the contract fuzzer: the object's own check once ran on the raw number (a 500)
    [
      "an end time beyond what a date holds",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), ended_at: 9223372036854776000 }] }),
      "events.0.ended_at",
    ],
    [
      "a negative duration",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), duration_ms: -1 }] }),
      "events.0.duration_ms",
    ],
    [
      "a duration of 401 days",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), duration_ms: 401 * 24 * HOUR }] }),
      "events.0.duration_ms",
    ],
    [
      "a fractional duration",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), duration_ms: 1.5 }] }),
      "events.0.duration_ms",
    ],
    [
      "nested data",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), data: { deep: { deeper: 1 } } }] }),
      "events.0.data.deep",
    ],
    [
      "a data key that is not an identifier",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), data: { "Bad Key": 1 } }] }),
      "events.0.data.Bad Key",
    ],
    [
      "17 data keys",
      (b: Record<string, unknown>) => ({
        ...b,
        events: [
          { ...valid(), data: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])) },
        ],
      }),
      "events.0.data",
    ],
    [
      "33 targets",
      (b: Record<string, unknown>) => ({
        ...b,
        events: [{ ...valid(), data: { targets: Array(33).fill("t") } }],
      }),
      "events.0.data.targets",
    ],
    [
      "an unknown field",
      (b: Record<string, unknown>) => ({ ...b, events: [{ ...valid(), org_id: randomUUID() }] }),
      "events.0.org_id",
    ],
  ])("answers 400 naming the field for %s, writing nothing", async (_what, change, field) => {
    const before = await countEvents(nas);
    const batch = change({ server_id: nas, batch_id: randomUUID(), events: [valid()] });
    const res = await d.agent("/events", batch);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field });
    expect(await countEvents(nas)).toBe(before);
    const [claimed] =
      await d.sql`select 1 from ingest_batches where batch_id = ${(batch as unknown as { batch_id: string }).batch_id}`;
    expect(claimed).toBeUndefined();
  });

  it("refuses another organization's server as not found, writing nothing", async () => {
    const res = await d.agent("/events", {
      server_id: serverB,
      batch_id: randomUUID(),
      events: [outageEnded(0, 1_000)],
    });
    expect(res.status).toBe(404);
    expect(res.body.error.field).toBe("server_id");
    expect(await countEvents(serverB)).toBe(0);
  });

  it("refuses a batch id this server used for another kind, with 409", async () => {
    const batch_id = randomUUID();
    await d.agent("/checks", {
      server_id: nas,
      batch_id,
      results: [{ monitor: "x", status: "ok", ts: Date.now() }],
    });
    const res = await d.agent("/events", { server_id: nas, batch_id, events: [outageEnded(0, 1_000)] });
    expect(res.status).toBe(409);
  });
});

describe("events in the combined push", () => {
  it("stores the events part with the heartbeat and acknowledges it like the other kinds", async () => {
    const batch_id = randomUUID();
    const push = {
      v: 1,
      server_id: nas,
      heartbeat: { sent_at: new Date().toISOString() },
      events: {
        batch_id,
        events: [
          {
            id: randomUUID(),
            kind: "outage_started",
            monitor: "internet",
            occurred_at: at(2 * HOUR),
            started_at: at(2 * HOUR),
            message: "internet outage started: no target answers",
          },
          outageEnded(2 * HOUR, 2 * HOUR + 600_000),
          {
            id: randomUUID(),
            kind: "reboot",
            monitor: "system",
            occurred_at: at(3 * HOUR),
            started_at: at(3 * HOUR - 90_000),
            ended_at: at(3 * HOUR),
            duration_ms: 90_000,
            message: "rebooted at ...",
            data: { boot_id: "b2", uptime_seconds: 12 },
          },
        ],
      },
    };
    const before = await countEvents(nas);
    const res = await d.agent("/push", push);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.acks.events).toEqual({ ok: true, batch_id, stored: true, accepted: 3 });
    expect(res.body.heartbeat).toMatchObject({ ok: true });
    expect(await countEvents(nas)).toBe(before + 3);
    const replay = await d.agent("/push", push);
    expect(replay.body.acks.events).toMatchObject({ stored: false });
    expect(await countEvents(nas)).toBe(before + 3);
  });

  it("answers 400 naming the event's field for a bad events part, writing not even the heartbeat", async () => {
    const server = await d.register("push-bad-events");
    await d.sql`update servers set last_heartbeat_at = null where id = ${server}`;
    const res = await d.agent("/push", {
      v: 1,
      server_id: server,
      heartbeat: { sent_at: new Date().toISOString() },
      events: { batch_id: randomUUID(), events: [{ ...outageEnded(0, 1_000), kind: "drop table" }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("events.events.0.kind");
    const [row] = await d.sql`select last_heartbeat_at from servers where id = ${server}`;
    expect(row?.last_heartbeat_at).toBeNull();
    expect(await countEvents(server)).toBe(0);
  });
});

describe("the outage log in the dashboard", () => {
  beforeAll(async () => {
    // edge-1: ten more outages an hour apart; org B: one of its own
    for (let i = 0; i < 10; i++)
      await d.agent("/events", {
        server_id: edge,
        batch_id: randomUUID(),
        events: [outageEnded(i * 1_000_000, i * 1_000_000 + 30_000 + i)],
      });
    await d.agent(
      "/events",
      {
        server_id: serverB,
        batch_id: randomUUID(),
        events: [outageEnded(0, 5_000, { message: "B's outage" })],
      },
      d.agentKeyB,
    );
  });

  it("lists the organization's events newest first, a page at a time without repeats or gaps", async () => {
    const seen: string[] = [];
    let query = "limit=4";
    for (let page = 0; page < 10; page++) {
      const res = await d.api("GET", `/orgs/${d.orgA}/events?${query}`, { as: d.users.viewer });
      const list = expectContract(res, 200, AgentEventList);
      seen.push(...list.events.map((e) => e.id));
      if (!list.next) break;
      query = `limit=4&before=${encodeURIComponent(list.next.before)}&before_id=${list.next.before_id}`;
    }
    // every event but the "started" of an outage whose "ended" is stored (one row per outage)
    const [all] = await d.sql<{ n: number }[]>`
      select count(*)::int as n from agent_events e where e.org_id = ${d.orgA}
        and not (e.kind = 'outage_started' and exists (select 1 from agent_events x
          where x.server_id = e.server_id and x.kind = 'outage_ended' and x.started_at = e.started_at))`;
    expect(all?.n).toBeGreaterThan(10);
    expect(seen).toHaveLength(all?.n ?? -1);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("filters by kind and time, per server, and never shows another organization's events", async () => {
    const reboots = await d.api("GET", `/orgs/${d.orgA}/events?kind=reboot`);
    expect(expectContract(reboots, 200, AgentEventList).events.map((e) => e.kind)).toEqual(["reboot"]);
    const window = await d.api(
      "GET",
      `/orgs/${d.orgA}/servers/${edge}/events?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(2_500_000))}`,
    );
    const inWindow = expectContract(window, 200, AgentEventList).events;
    expect(inWindow.map((e) => e.duration_ms)).toEqual([30_002, 30_001, 95_250, 30_000]);
    expect(inWindow.every((e) => e.server === "edge-1" && e.server_id === edge)).toBe(true);

    const asB = await d.api("GET", `/orgs/${d.orgB}/events`, { as: d.users.ownerB });
    expect(expectContract(asB, 200, AgentEventList).events.map((e) => e.message)).toEqual(["B's outage"]);
    // A's users cannot read B's log, nor B's server through A's organization
    expect((await d.api("GET", `/orgs/${d.orgB}/events`)).status).toBe(404);
    expect((await d.api("GET", `/orgs/${d.orgA}/servers/${serverB}/events`)).status).toBe(404);
    const all = expectContract(await d.api("GET", `/orgs/${d.orgA}/events?limit=200`), 200, AgentEventList);
    expect(all.events.some((e) => e.server_id === serverB)).toBe(false);
  });

  it("shows an outage that ended as one row, one still going on as its start, and every start when asked", async () => {
    const server = await d.register("pair-1");
    const started = (startMs: number) => ({
      id: randomUUID(),
      kind: "outage_started",
      monitor: "internet",
      occurred_at: at(startMs),
      started_at: at(startMs),
      message: "internet outage started: no target answers",
    });
    await d.agent("/events", {
      server_id: server,
      batch_id: randomUUID(),
      events: [started(HOUR), outageEnded(HOUR, HOUR + 60_000), started(3 * HOUR)],
    });
    const log = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${server}/events`),
      200,
      AgentEventList,
    ).events;
    expect(log.map((e) => [e.kind, e.started_at, e.duration_ms])).toEqual([
      ["outage_started", at(3 * HOUR), null],
      ["outage_ended", at(HOUR), 60_000],
    ]);
    const starts = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${server}/events?kind=outage_started`),
      200,
      AgentEventList,
    ).events;
    expect(starts.map((e) => e.started_at)).toEqual([at(3 * HOUR), at(HOUR)]);
    const range = `from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(4 * HOUR))}`;
    const csv = await d.api("GET", `/orgs/${d.orgA}/exports/events?${range}&server_id=${server}`);
    expect(csv.status, csv.text).toBe(200);
    const lines = csv.text.split("\r\n").filter((l) => l !== "");
    expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual(["outage_ended", "outage_started"]);
  });

  it.each([
    ["kind=coup", "kind"],
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=abc", "limit"],
    ["from=yesterday", "from"],
    ["from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to"],
    ["before=2026-01-01T00:00:00Z", "before_id"],
    ["before=2026-01-01T00:00:00Z&before_id=nope", "before_id"],
    ["bogus=1", "bogus"],
  ])("answers 400 naming the parameter for %s", async (query, field) => {
    const res = await d.api("GET", `/orgs/${d.orgA}/events?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  it("exports the outage log as CSV, oldest first, with start, end and duration, formulas defused", async () => {
    await d.agent("/events", {
      server_id: nas,
      batch_id: randomUUID(),
      events: [outageEnded(4 * HOUR, 4 * HOUR + 2_500, { message: '=HYPERLINK("http://evil.example")' })],
    });
    const range = `from=${encodeURIComponent(at(4 * HOUR - 1))}&to=${encodeURIComponent(at(4 * HOUR + HOUR))}`;
    const res = await d.api("GET", `/orgs/${d.orgA}/exports/events?${range}&kind=outage_ended`, {
      as: d.users.viewer,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="outages-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv"$/,
    );
    const lines = res.text.split("\r\n");
    expect(lines[0]).toBe(
      "occurred_at,kind,server,monitor,started_at,ended_at,duration_seconds,message,targets,server_id,id",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(
      `${at(4 * HOUR + 2_500)},outage_ended,nas-1,internet,${at(4 * HOUR)},${at(4 * HOUR + 2_500)},2.5,`,
    );
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")",1.1.1.1 8.8.8.8,${nas},`);
    const json = await d.api("GET", `/orgs/${d.orgA}/exports/events?${range}&format=json`);
    const rows = expectContract(json, 200, z.array(AgentEventExportRow));
    expect(rows.map((r) => r.message)).toEqual(['=HYPERLINK("http://evil.example")']);
  });

  it("exports one server's log only, refuses another organization's server, and bounds the range", async () => {
    const range = `from=${encodeURIComponent(at(-HOUR))}&to=${encodeURIComponent(at(10 * HOUR))}`;
    const mine = await d.api("GET", `/orgs/${d.orgA}/exports/events?${range}&server_id=${edge}&format=json`);
    const rows = expectContract(mine, 200, z.array(AgentEventExportRow));
    expect(rows.length).toBe(11);
    expect(rows.every((r) => r.server_id === edge)).toBe(true);
    expect(rows.map((r) => r.occurred_at)).toEqual([...rows.map((r) => r.occurred_at)].sort());
    expect((await d.api("GET", `/orgs/${d.orgA}/exports/events?${range}&server_id=${serverB}`)).status).toBe(
      404,
    );
    const tooLong = await d.api(
      "GET",
      `/orgs/${d.orgA}/exports/events?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.field).toBe("to");
    expect((await d.api("GET", `/orgs/${d.orgA}/exports/events?${range}&kind=x`)).body.error.field).toBe(
      "kind",
    );
  });

  it("keeps events 400 days: the prune job deletes older ones only", async () => {
    const old = randomUUID();
    await d.sql`
      insert into agent_events (org_id, server_id, id, kind, monitor, occurred_at, message)
      values (${d.orgA}, ${nas}, ${old}, 'reboot', 'system', now() - interval '401 days', 'long ago')`;
    const before = await countEvents(nas);
    expect(await pruneAgentEvents({ ctx: { sql: d.sql } })).toEqual({ deleted: 1 });
    expect(await countEvents(nas)).toBe(before - 1);
  });

  it("lets members read but nobody write the table through the Data API roles", async () => {
    const [grants] = await d.sql<{ privs: string[] }[]>`
      select array_agg(privilege_type::text order by privilege_type) as privs
      from information_schema.role_table_grants
      where table_schema = 'public' and table_name = 'agent_events' and grantee = 'authenticated'`;
    expect(grants?.privs).toEqual(["SELECT"]);
    const [anon] = await d.sql`
      select count(*)::int as n from information_schema.role_table_grants
      where table_schema = 'public' and table_name = 'agent_events' and grantee = 'anon'`;
    expect(anon?.n).toBe(0);
  });
});
