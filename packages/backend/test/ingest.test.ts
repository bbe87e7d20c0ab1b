import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveServer } from "../src/index.ts";
import { samples, setup } from "./harness.ts";

let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup();
});
afterAll(() => h.close());

async function countSamples(serverId: string) {
  const [row] = await h.sql`
    select count(*)::int as n from metric_samples s join metric_series m on m.id = s.series_id where m.server_id = ${serverId}`;
  return row?.n as number;
}

describe("register", () => {
  it("returns the same server id when the same machine registers again", async () => {
    const first = await h.register("db-1", { machine_id: "0123456789abcdef" });
    const again = await h.register("db-1-renamed", { machine_id: "0123456789abcdef" });
    expect(again).toBe(first);
    const [row] =
      await h.sql`select count(*)::int as n, max(hostname) as hostname from servers where identity_key = 'machine:0123456789abcdef'`;
    expect(row).toEqual({ n: 1, hostname: "db-1-renamed" });
  });

  it("refuses a registration without a hostname and names the field", async () => {
    const res = await h.call("/register", { server_name: "x", agent_version: "1", os: "linux", arch: "x64" });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("hostname");
  });
});

describe("heartbeat", () => {
  it("stamps last_heartbeat_at with the backend clock and records the agent's clock skew", async () => {
    const serverId = await h.register("skewed");
    const agentClock = new Date(Date.now() + 90_000); // agent clock 90 s fast
    const res = await h.call("/heartbeat", { server_id: serverId, sent_at: agentClock.toISOString() });
    expect(res.status).toBe(200);
    expect(res.body.clock_skew_ms).toBeGreaterThan(85_000);
    expect(res.body.clock_skew_ms).toBeLessThan(95_000);
    const [row] =
      await h.sql`select last_heartbeat_at, clock_skew_ms, status from servers where id = ${serverId}`;
    expect(
      Math.abs(((row?.last_heartbeat_at as Date | undefined)?.getTime() ?? 0) - Date.now()),
    ).toBeLessThan(5_000);
    expect(row?.status).toBe("up");
  });

  it("answers 404 for a server id the organization does not have", async () => {
    const res = await h.call("/heartbeat", { server_id: randomUUID(), sent_at: new Date().toISOString() });
    expect(res.status).toBe(404);
    expect(res.body.error.field).toBe("server_id");
  });
});

describe("metrics ingest", () => {
  it("stores a batch once when it is sent three times concurrently", async () => {
    const serverId = await h.register("replay");
    const batch = { server_id: serverId, batch_id: randomUUID(), samples: samples(60) };
    const replies = await Promise.all([
      h.call("/metrics", batch),
      h.call("/metrics", batch, { gzip: true }),
      h.call("/metrics", batch),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(replies.filter((r) => r.body.stored === true)).toHaveLength(1);
    expect(await countSamples(serverId)).toBe(60);
    const again = await h.call("/metrics", batch);
    expect(again.body).toMatchObject({ ok: true, stored: false });
    expect(await countSamples(serverId)).toBe(60);
  });

  it("stores the values, timestamps and labels it was sent", async () => {
    const serverId = await h.register("exact");
    const sent = [
      {
        ts: new Date(Date.now() - 1000).toISOString(),
        name: "disk.used_percent",
        labels: { mount: "/" },
        value: 41.25,
      },
      {
        ts: new Date(Date.now() - 1000).toISOString(),
        name: "disk.used_percent",
        labels: { mount: "/data" },
        value: 97,
      },
    ];
    const res = await h.call(
      "/metrics",
      { server_id: serverId, batch_id: randomUUID(), samples: sent },
      { gzip: true },
    );
    expect(res.body).toMatchObject({ stored: true, accepted: 2 });
    const rows = await h.sql`
      select m.name, m.labels, s.value, s.ts from metric_samples s join metric_series m on m.id = s.series_id
      where m.server_id = ${serverId} order by s.value`;
    expect(rows.map((r) => [r.name, r.labels, r.value])).toEqual([
      ["disk.used_percent", { mount: "/" }, 41.25],
      ["disk.used_percent", { mount: "/data" }, 97],
    ]);
    expect((rows[0]?.ts as Date | undefined)?.toISOString()).toBe(sent[0]?.ts);
  });

  it("refuses a batch with one bad sample whole, naming the sample's index", async () => {
    const serverId = await h.register("one-bad");
    const list: Record<string, unknown>[] = samples(10);
    list[7] = { ...list[7], value: "NaN" };
    const res = await h.call("/metrics", { server_id: serverId, batch_id: randomUUID(), samples: list });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("samples.7.value");
    expect(await countSamples(serverId)).toBe(0);
  });

  it("refuses a sample older than seven days, naming it", async () => {
    const serverId = await h.register("too-old");
    const list = samples(3);
    list[2] = {
      ...(list[2] as (typeof list)[number]),
      ts: new Date(Date.now() - 8 * 86_400_000).toISOString(),
    };
    const res = await h.call("/metrics", { server_id: serverId, batch_id: randomUUID(), samples: list });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("samples.2.ts");
    expect(await countSamples(serverId)).toBe(0);
  });

  it.each([
    ["malformed JSON", "{ not json", "body"],
    ["an empty body", "", "body"],
    ["a JSON array", "[1,2]", "body"],
    ["an unknown key", JSON.stringify({ server_id: "x", batch_id: "y", samples: [], extra: 1 }), "server_id"],
    [
      "a batch id that is not a UUID",
      JSON.stringify({ server_id: "6d1f4e8e-1f5a-4c53-9c1e-2b1e0b2f7a10", batch_id: "1", samples: [] }),
      "batch_id",
    ],
  ])("answers 400 naming the field for %s", async (_what, body, field) => {
    const res = await h.call("/metrics", body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION");
    expect(res.body.error.field).toBe(field);
  });

  it("answers 400 for a gzip header over a body that is not gzip", async () => {
    const res = await h.call("/metrics", "{}", { headers: { "content-encoding": "gzip" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/gzip/);
  });

  it("answers 413 for a body over 1 MiB and for a gzip bomb over 8 MiB inflated", async () => {
    const big = JSON.stringify({ pad: "x".repeat(1_100_000) });
    expect((await h.call("/metrics", big)).status).toBe(413);
    const bomb = JSON.stringify({ pad: "0".repeat(9_000_000) }); // compresses to ~9 KB
    const res = await h.call("/metrics", bomb, { gzip: true });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers 415 for a content type that is not JSON", async () => {
    const res = await h.call("/metrics", "a=b", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
  });

  it("refuses the data of a pending server with 403 until it is approved", async () => {
    const pendingOrg = await setup({}, { require_server_approval: true });
    try {
      const serverId = await pendingOrg.register("new-box");
      const batch = { server_id: serverId, batch_id: randomUUID(), samples: samples(5) };
      const refused = await pendingOrg.call("/metrics", batch);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("PENDING_APPROVAL");
      const hb = await pendingOrg.call("/heartbeat", {
        server_id: serverId,
        sent_at: new Date().toISOString(),
      });
      expect(hb.body).toMatchObject({ ok: true, approval: "pending" });

      await approveServer({
        ctx: { sql: pendingOrg.sql },
        input: { server_id: serverId, org_id: pendingOrg.orgId },
      });
      const accepted = await pendingOrg.call("/metrics", batch);
      expect(accepted.status).toBe(200);
      expect(accepted.body.stored).toBe(true);
    } finally {
      await pendingOrg.close();
    }
  });
});

describe("checks and alerts ingest", () => {
  it("stores check results once and moves the monitor's last state forward only", async () => {
    const serverId = await h.register("checks");
    const now = Date.now();
    const batch = {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [
        {
          monitor: "http:api",
          type: "http",
          status: "ok",
          latency_ms: 12,
          ts: new Date(now - 20_000).toISOString(),
        },
        {
          monitor: "http:api",
          type: "http",
          status: "down",
          message: "HTTP 503",
          ts: new Date(now - 10_000).toISOString(),
        },
      ],
    };
    const replies = await Promise.all([h.call("/checks", batch), h.call("/checks", batch)]);
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    expect(replies.filter((r) => r.body.stored)).toHaveLength(1);
    const rows = await h.sql`select status from check_results where server_id = ${serverId}`;
    expect(rows).toHaveLength(2);
    const [monitor] = await h.sql`select type, last_status from monitors where server_id = ${serverId}`;
    expect(monitor).toEqual({ type: "http", last_status: "down" });

    const older = {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [{ monitor: "http:api", status: "ok", ts: new Date(now - 60_000).toISOString() }],
    };
    expect((await h.call("/checks", older)).body.stored).toBe(true);
    const [after] = await h.sql`select last_status from monitors where server_id = ${serverId}`;
    expect(after?.last_status).toBe("down");
  });

  it("records the agent's own alerts with their incident key once", async () => {
    const serverId = await h.register("alerts");
    const started = new Date(Date.now() - 120_000).toISOString();
    const batch = {
      server_id: serverId,
      batch_id: randomUUID(),
      alerts: [
        {
          incident_key: `${serverId}:http:api:${started}`,
          monitor: "http:api",
          state: "down",
          started_at: started,
          sent_at: new Date().toISOString(),
          channels: ["email", "slack"],
        },
      ],
    };
    expect((await h.call("/alerts", batch)).body.stored).toBe(true);
    expect((await h.call("/alerts", batch)).body.stored).toBe(false);
    const rows = await h.sql`select incident_key, channels from agent_alerts where server_id = ${serverId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.channels).toEqual(["email", "slack"]);
  });
});
