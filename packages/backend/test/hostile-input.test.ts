/**
 * Regressions: inputs that answered 500 (or silently lost or left data behind)
 * before the schemas and verbs refused or merged them. Each states what a client now sees and
 * what the database holds afterwards.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setup } from "./harness.ts";

let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup();
});
afterAll(() => h.close());

async function counts(serverId: string) {
  const [row] = await h.sql`
    select (select count(*) from metric_series where server_id = ${serverId})::int as series,
           (select count(*) from metric_samples s join metric_series m on m.id = s.series_id
             where m.server_id = ${serverId})::int as samples,
           (select count(*) from monitors where server_id = ${serverId})::int as monitors,
           (select count(*) from check_results where server_id = ${serverId})::int as checks,
           (select count(*) from agent_alerts where server_id = ${serverId})::int as alerts,
           (select count(*) from ingest_batches where server_id = ${serverId})::int as batches`;
  return row;
}

const now = () => new Date().toISOString();

describe("strings PostgreSQL cannot store", () => {
  it.each([
    ["a NUL in a label value", { labels: { mount: "/\u0000" } }, "samples.0.labels.mount"],
    ["a lone surrogate in a label value", { labels: { mount: "\uD800" } }, "samples.0.labels.mount"],
  ])("answers 400 for %s, naming it, and stores nothing", async (_, extra, field) => {
    const serverId = await h.register(`nul-${randomUUID()}`);
    const res = await h.call("/metrics", {
      server_id: serverId,
      batch_id: randomUUID(),
      samples: [{ ts: now(), name: "disk.used_percent", value: 1, ...extra }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(await counts(serverId)).toMatchObject({ series: 0, samples: 0, batches: 0 });
  });

  it("answers 400 for a NUL in a check message (escaped in the JSON text)", async () => {
    const serverId = await h.register(`nul-check-${randomUUID()}`);
    const body = `{"server_id":"${serverId}","batch_id":"${randomUUID()}","results":[{"monitor":"m","status":"ok","ts":"${now()}","message":"a\\u0000b"}]}`;
    const res = await h.call("/checks", body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("results.0.message");
    expect(await counts(serverId)).toMatchObject({ monitors: 0, checks: 0 });
  });
});

describe("times JS or PostgreSQL cannot hold", () => {
  it.each([
    ["/metrics", "samples", { ts: 8_700_000_000_000_000, name: "cpu.percent", value: 1 }, "samples.0.ts"],
    ["/checks", "results", { ts: "0000-01-01T00:00:00Z", monitor: "m", status: "ok" }, "results.0.ts"],
  ])("%s answers 400 for an out-of-range time and names it", async (route, list, item, field) => {
    const serverId = await h.register(`time-${randomUUID()}`);
    const res = await h.call(route, { server_id: serverId, batch_id: randomUUID(), [list]: [item] });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  it("answers 400 for a heartbeat sent at the edge of the Date range", async () => {
    const serverId = await h.register(`hb-${randomUUID()}`);
    const res = await h.call("/heartbeat", { server_id: serverId, sent_at: 8_640_000_000_000_000 });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("sent_at");
  });

  it("answers 400 for an alert sent in year 0000 or a week ago, naming the alert", async () => {
    const serverId = await h.register(`alert-time-${randomUUID()}`);
    const alert = { incident_key: "k", monitor: "m", state: "down", started_at: now(), channels: [] };
    for (const [sent_at, field] of [
      ["0000-01-01T00:00:00Z", "alerts.0.sent_at"],
      [new Date(Date.now() - 8 * 86_400_000).toISOString(), "alerts.0.sent_at"],
    ] as const) {
      const res = await h.call("/alerts", {
        server_id: serverId,
        batch_id: randomUUID(),
        alerts: [{ ...alert, sent_at }],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect(await counts(serverId)).toMatchObject({ alerts: 0, batches: 0 });
  });
});

describe("numbers a float4 column cannot hold", () => {
  it("stores a check latency of 9.3e-254 ms as 0 instead of failing the real cast", async () => {
    const serverId = await h.register(`tiny-latency-${randomUUID()}`);
    const res = await h.call("/checks", {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [{ ts: now(), monitor: "m", status: "ok", latency_ms: 9.337058906554745e-254 }],
    });
    expect(res.status).toBe(200);
    const [row] = await h.sql`select latency_ms from check_results where server_id = ${serverId}`;
    expect(row?.latency_ms).toBe(0);
  });

  it("answers 400 naming the sample for a value above 1e38", async () => {
    const serverId = await h.register(`huge-value-${randomUUID()}`);
    const res = await h.call("/metrics", {
      server_id: serverId,
      batch_id: randomUUID(),
      samples: [{ ts: now(), name: "cpu.percent", value: 1.7e308 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("samples.0.value");
    expect(await counts(serverId)).toMatchObject({ series: 0, samples: 0 });
  });
});

describe("duplicates inside one batch", () => {
  it("merges an alert listed twice for the same incident and state: union of channels, latest sending", async () => {
    const serverId = await h.register(`dup-alert-${randomUUID()}`);
    const started = new Date(Date.now() - 120_000).toISOString();
    const base = {
      incident_key: `${serverId}:m:${started}`,
      monitor: "m",
      state: "down",
      started_at: started,
    };
    const later = new Date(Date.now() - 1_000).toISOString();
    const res = await h.call("/alerts", {
      server_id: serverId,
      batch_id: randomUUID(),
      alerts: [
        { ...base, sent_at: new Date(Date.now() - 60_000).toISOString(), channels: ["email"] },
        { ...base, sent_at: later, channels: ["slack", "email"], message: "again" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stored: true, accepted: 2 });
    const rows =
      await h.sql`select channels, sent_at, message from agent_alerts where server_id = ${serverId}`;
    expect(rows).toHaveLength(1);
    const [row] = rows as unknown as { channels: string[]; sent_at: Date; message: string }[];
    expect([...(row?.channels ?? [])].sort()).toEqual(["email", "slack"]);
    expect(row?.sent_at.toISOString()).toBe(later);
    expect(row?.message).toBe("again");
  });

  it("stores metric samples of one series at one time twice, and checks of one monitor at one time", async () => {
    const serverId = await h.register(`dup-samples-${randomUUID()}`);
    const ts = now();
    const sample = { ts, name: "cpu.percent", value: 1 };
    const metrics = await h.call("/metrics", {
      server_id: serverId,
      batch_id: randomUUID(),
      samples: [sample, sample],
    });
    const result = { ts, monitor: "m", status: "ok" };
    const checks = await h.call("/checks", {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [result, { ...result, status: "down" }],
    });
    expect([metrics.status, checks.status]).toEqual([200, 200]);
    expect(await counts(serverId)).toMatchObject({ samples: 2, checks: 2, monitors: 1 });
  });
});

describe("batch ids", () => {
  it("creates no series when a metrics batch id is replayed with other content", async () => {
    const serverId = await h.register(`replay-series-${randomUUID()}`);
    const batch_id = randomUUID();
    await h.call("/metrics", {
      server_id: serverId,
      batch_id,
      samples: [{ ts: now(), name: "a", value: 1 }],
    });
    const replay = await h.call("/metrics", {
      server_id: serverId,
      batch_id,
      samples: [{ ts: now(), name: "never.seen", value: 1 }],
    });
    expect(replay.body).toMatchObject({ stored: false });
    expect(await counts(serverId)).toMatchObject({ series: 1, samples: 1 });
  });

  it("creates no monitor when a checks batch id is replayed with other content", async () => {
    const serverId = await h.register(`replay-monitor-${randomUUID()}`);
    const batch_id = randomUUID();
    await h.call("/checks", {
      server_id: serverId,
      batch_id,
      results: [{ ts: now(), monitor: "a", status: "ok" }],
    });
    const replay = await h.call("/checks", {
      server_id: serverId,
      batch_id,
      results: [{ ts: now(), monitor: "never-seen", status: "down" }],
    });
    expect(replay.body).toMatchObject({ stored: false });
    expect(await counts(serverId)).toMatchObject({ monitors: 1, checks: 1 });
  });

  it.each([
    ["/checks", { results: [{ ts: now(), monitor: "m", status: "ok" }] }],
    [
      "/alerts",
      {
        alerts: [
          { incident_key: "k", monitor: "m", state: "down", started_at: now(), sent_at: now(), channels: [] },
        ],
      },
    ],
  ])(
    "answers 409 naming batch_id when %s reuses a metrics batch id, and stores nothing",
    async (route, body) => {
      const serverId = await h.register(`cross-kind-${randomUUID()}`);
      const batch_id = randomUUID();
      await h.call("/metrics", {
        server_id: serverId,
        batch_id,
        samples: [{ ts: now(), name: "a", value: 1 }],
      });
      const res = await h.call(route, { server_id: serverId, batch_id, ...body });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: "CONFLICT", field: "batch_id" });
      expect(await counts(serverId)).toMatchObject({ monitors: 0, checks: 0, alerts: 0, batches: 1 });
    },
  );

  it("answers 409 when a metrics batch reuses a checks batch id, also for series it has not seen", async () => {
    const serverId = await h.register(`cross-kind-metrics-${randomUUID()}`);
    const batch_id = randomUUID();
    await h.call("/checks", {
      server_id: serverId,
      batch_id,
      results: [{ ts: now(), monitor: "m", status: "ok" }],
    });
    const res = await h.call("/metrics", {
      server_id: serverId,
      batch_id,
      samples: [{ ts: now(), name: "fresh.series", value: 1 }],
    });
    expect(res.status).toBe(409);
    expect(await counts(serverId)).toMatchObject({ series: 0, samples: 0 });
  });
});
