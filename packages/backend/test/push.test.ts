import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { compactMetrics } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveServer } from "../src/index.ts";
import { setup } from "./harness.ts";

let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup();
});
afterAll(() => h.close());

async function counts(serverId: string) {
  const [row] = await h.sql<{ samples: number; checks: number; alerts: number; beat: Date | null }[]>`
    select
      (select count(*)::int from metric_samples s join metric_series m on m.id = s.series_id
        where m.server_id = ${serverId}) as samples,
      (select count(*)::int from check_results where server_id = ${serverId}) as checks,
      (select count(*)::int from agent_alerts where server_id = ${serverId}) as alerts,
      (select last_heartbeat_at from servers where id = ${serverId}) as beat`;
  return row as { samples: number; checks: number; alerts: number; beat: Date | null };
}

function wireSamples(count: number, base = Date.now() - 60_000) {
  return Array.from({ length: count }, (_, i) => ({
    ts: base + Math.floor(i / 4) * 30_000,
    name: i % 2 ? "cpu.percent" : "memory.used_percent",
    ...(i % 4 < 2 ? {} : { labels: { core: String(i % 4) } }),
    value: i * 1.5,
  }));
}

/** A push of every part: a heartbeat, one alert report, two check results, `n` samples. */
function fullPush(serverId: string, n = 8) {
  const now = Date.now();
  const started = new Date(now - 120_000).toISOString();
  return {
    v: 1,
    server_id: serverId,
    heartbeat: { sent_at: new Date(now).toISOString(), agent_version: "0.9.0", dropped_samples: 0 },
    alerts: {
      batch_id: randomUUID(),
      alerts: [
        {
          incident_key: `${serverId}:http:api:${started}`,
          monitor: "http:api",
          state: "down",
          started_at: started,
          sent_at: now,
          channels: ["email"],
        },
      ],
    },
    checks: {
      batch_id: randomUUID(),
      results: [
        { monitor: "http:api", type: "http", status: "ok", latency_ms: 12, ts: now - 20_000 },
        { monitor: "http:api", type: "http", status: "down", message: "HTTP 503", ts: now - 10_000 },
      ],
    },
    metrics: compactMetrics(randomUUID(), wireSamples(n)),
  };
}

describe("POST /agent/push", () => {
  it("lands the heartbeat, alert reports, check results and samples of one gzip push", async () => {
    const serverId = await h.register("push-all");
    const push = fullPush(serverId, 12);
    const res = await h.call("/push", push, { gzip: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      v: 1,
      heartbeat: { ok: true, approval: "approved" },
      acks: {
        alerts: { batch_id: push.alerts.batch_id, stored: true, accepted: 1 },
        checks: { batch_id: push.checks.batch_id, stored: true, accepted: 2 },
        metrics: { batch_id: push.metrics.batch_id, stored: true, accepted: 12 },
      },
    });
    expect(res.body.refused).toBeUndefined();
    const after = await counts(serverId);
    expect(after).toMatchObject({ samples: 12, checks: 2, alerts: 1 });
    expect(Math.abs((after.beat?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000);
    const [monitor] = await h.sql`select last_status from monitors where server_id = ${serverId}`;
    expect(monitor?.last_status).toBe("down");
    const rows = await h.sql`
      select m.name, m.labels, s.value from metric_samples s join metric_series m on m.id = s.series_id
      where m.server_id = ${serverId} and s.value = 3`;
    expect(rows.map((r) => [r.name, r.labels])).toEqual([["memory.used_percent", { core: "2" }]]);
  });

  it("stores nothing twice when the same push is retried, sequentially or concurrently", async () => {
    const serverId = await h.register("push-retry");
    const push = fullPush(serverId);
    const replies = await Promise.all([h.call("/push", push), h.call("/push", push, { gzip: true })]);
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    for (const kind of ["alerts", "checks", "metrics"]) {
      expect(replies.filter((r) => r.body.acks[kind].stored === true)).toHaveLength(1);
    }
    const again = await h.call("/push", push);
    expect(again.body.acks).toMatchObject({
      alerts: { stored: false },
      checks: { stored: false },
      metrics: { stored: false },
    });
    expect(await counts(serverId)).toMatchObject({ samples: 8, checks: 2, alerts: 1 });
  });

  it("shares batch ids with the single-kind routes: a batch sent there first is a replay here", async () => {
    const serverId = await h.register("push-after-route");
    const push = fullPush(serverId);
    await h.call("/checks", { server_id: serverId, ...push.checks });
    const res = await h.call("/push", push);
    expect(res.body.acks.checks.stored).toBe(false);
    expect((await counts(serverId)).checks).toBe(2);
  });

  it("takes a push of only a heartbeat, answering what /agent/heartbeat answers", async () => {
    const serverId = await h.register("push-beat");
    const res = await h.call("/push", {
      v: 1,
      server_id: serverId,
      heartbeat: { sent_at: new Date().toISOString(), want_links: true },
    });
    expect(res.status).toBe(200);
    const beat = await h.call("/heartbeat", {
      server_id: serverId,
      sent_at: new Date().toISOString(),
      want_links: true,
    });
    expect(Object.keys(res.body.heartbeat).sort()).toEqual(Object.keys(beat.body).sort());
    expect(res.body.acks).toEqual({});
  });

  it("records no liveness for a push without a heartbeat (a backlog follow-up)", async () => {
    const serverId = await h.register("push-backlog");
    const push = fullPush(serverId);
    const res = await h.call("/push", { v: 1, server_id: serverId, metrics: push.metrics });
    expect(res.status).toBe(200);
    expect(res.body.heartbeat).toBeUndefined();
    expect(await counts(serverId)).toMatchObject({ samples: 8, beat: null });
  });

  it("refuses a retried batch id that another kind used, for that kind only", async () => {
    const serverId = await h.register("push-conflict");
    const push = fullPush(serverId);
    await h.call("/push", push);
    const res = await h.call("/push", {
      ...fullPush(serverId),
      checks: { ...push.checks, batch_id: push.metrics.batch_id },
    });
    expect(res.status).toBe(200);
    expect(res.body.refused).toEqual({
      checks: { status: 409, error: expect.objectContaining({ code: "CONFLICT", field: "checks.batch_id" }) },
    });
    expect(res.body.acks.metrics.stored).toBe(true);
    expect(await counts(serverId)).toMatchObject({ samples: 16, checks: 2 });
  });

  it("answers a kind that fails inside the backend 500 for that kind only: the heartbeat and the other kinds go in", async () => {
    const serverId = await h.register("push-kind-fails");
    const push = fullPush(serverId);
    await h.sql`alter table public.metric_samples rename to metric_samples_away`;
    let res: Awaited<ReturnType<typeof h.call>>;
    try {
      res = await h.call("/push", push);
    } finally {
      await h.sql`alter table public.metric_samples_away rename to metric_samples`;
    }
    expect(res.status).toBe(200);
    expect(res.body.heartbeat).toMatchObject({ ok: true });
    expect(res.body.acks.checks).toMatchObject({ stored: true });
    expect(res.body.refused).toEqual({
      metrics: { status: 500, error: expect.objectContaining({ code: "INTERNAL" }) },
    });
    expect(await counts(serverId)).toMatchObject({ samples: 0, checks: 2, alerts: 1 });
    // nothing of the failed kind was kept: the agent's retry stores it
    const again = await h.call("/push", push);
    expect(again.body.acks.metrics).toMatchObject({ stored: true, accepted: 8 });
  });

  it("records a pending server's heartbeat and refuses its data per kind until it is approved", async () => {
    const pendingOrg = await setup({}, { require_server_approval: true });
    try {
      const serverId = await pendingOrg.register("push-pending");
      const push = fullPush(serverId);
      const res = await pendingOrg.call("/push", push);
      expect(res.status).toBe(200);
      expect(res.body.heartbeat).toMatchObject({ ok: true, approval: "pending" });
      for (const kind of ["alerts", "checks", "metrics"]) {
        expect(res.body.refused[kind]).toMatchObject({ status: 403, error: { code: "PENDING_APPROVAL" } });
      }
      expect(res.body.acks).toEqual({});
      await approveServer({
        ctx: { sql: pendingOrg.sql },
        input: { server_id: serverId, org_id: pendingOrg.orgId },
      });
      const accepted = await pendingOrg.call("/push", push);
      expect(accepted.body.acks.metrics.stored).toBe(true);
      expect(accepted.body.refused).toBeUndefined();
    } finally {
      await pendingOrg.close();
    }
  });

  it("answers 404 naming server_id for a server the organization does not have, writing nothing", async () => {
    const res = await h.call("/push", fullPush(randomUUID()));
    expect(res.status).toBe(404);
    expect(res.body.error.field).toBe("server_id");
  });

  it.each([
    ["malformed JSON", () => "{ not json", "body"],
    ["an empty body", () => "", "body"],
    ["a missing version", (p: Record<string, unknown>) => ({ ...p, v: undefined }), "v"],
    ["a version this backend does not know", (p: Record<string, unknown>) => ({ ...p, v: 2 }), "v"],
    ["an unknown part", (p: Record<string, unknown>) => ({ ...p, bogus: {} }), "bogus"],
    ["an events part that is not a batch", (p: Record<string, unknown>) => ({ ...p, events: [] }), "events"],
    [
      "a heartbeat without sent_at",
      (p: Record<string, unknown>) => ({ ...p, heartbeat: {} }),
      "heartbeat.sent_at",
    ],
    [
      "a check with an unknown status",
      (p: ReturnType<typeof fullPush>) => ({
        ...p,
        checks: { ...p.checks, results: [{ monitor: "m", status: "sideways", ts: Date.now() }] },
      }),
      "checks.results.0.status",
    ],
    [
      "a sample value that is not a number",
      (p: ReturnType<typeof fullPush>) => ({
        ...p,
        metrics: { ...p.metrics, at: [{ t: Date.now(), s: 0, v: [1, "12"] }] },
      }),
      "metrics.at.0.v.1",
    ],
    [
      "values beyond the series list",
      (p: ReturnType<typeof fullPush>) => ({
        ...p,
        metrics: { ...p.metrics, at: [{ t: Date.now(), s: 3, v: [1, 2] }] },
      }),
      "metrics.at.0.v",
    ],
    [
      "a hostile series label",
      (p: ReturnType<typeof fullPush>) => ({
        ...p,
        metrics: { ...p.metrics, series: [["x", { constructor: "\u0000" }]] },
      }),
      "metrics.series.0.1.constructor",
    ],
    [
      "a sample time older than seven days",
      (p: ReturnType<typeof fullPush>) => ({
        ...p,
        metrics: { ...p.metrics, at: [...p.metrics.at, { t: Date.now() - 8 * 86_400_000, s: 0, v: [1] }] },
      }),
      `metrics.at.2.t`,
    ],
    [
      "an alert report sent in the future",
      (p: ReturnType<typeof fullPush>) => ({
        ...p,
        alerts: { ...p.alerts, alerts: [{ ...p.alerts.alerts[0], sent_at: Date.now() + 3_600_000 }] },
      }),
      "alerts.alerts.0.sent_at",
    ],
  ])("answers 400 naming the field for %s, writing no part of the push", async (_what, change, field) => {
    const serverId = await h.register(`push-bad-${field}`);
    const body = (change as (p: ReturnType<typeof fullPush>) => unknown)(fullPush(serverId));
    const res = await h.call("/push", body, { gzip: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION");
    expect(res.body.error.field).toBe(field);
    expect(await counts(serverId)).toEqual({ samples: 0, checks: 0, alerts: 0, beat: null });
  });

  it("answers 400 for a gzip header over a body that is not gzip, and for gzip cut short", async () => {
    const notGzip = await h.call("/push", "{}", { headers: { "content-encoding": "gzip" } });
    expect(notGzip.status).toBe(400);
    expect(notGzip.body.error.message).toMatch(/gzip/);
    const whole = gzipSync(JSON.stringify(fullPush(randomUUID())));
    const res = await h.app.request("/api/agent/push", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-encoding": "gzip",
        authorization: `Bearer ${h.key}`,
      },
      body: whole.subarray(0, whole.length - 12),
    });
    expect(res.status).toBe(400);
  });

  it("answers 413 naming the limit for a gzip bomb, and for a body over 1 MiB", async () => {
    const serverId = await h.register("push-bomb");
    const bomb = JSON.stringify({ ...fullPush(serverId), pad: "0".repeat(9_000_000) }); // ~9 KB gzipped
    const res = await h.call("/push", bomb, { gzip: true });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(res.body.error.message).toContain("8388608");
    const big = await h.call("/push", JSON.stringify({ pad: "x".repeat(1_100_000) }));
    expect(big.status).toBe(413);
    expect(big.body.error.message).toContain("1048576");
    expect(await counts(serverId)).toMatchObject({ samples: 0, beat: null });
  });
});
