import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProbe, evaluateProbe, fetchProber, runDueProbes } from "../src/index.ts";
import { setup } from "./harness.ts";

let h: Awaited<ReturnType<typeof setup>>;
let server: Server;
let base: string;
let delayMs = 0;
let status = 200;
let concurrent = 0;
let maxConcurrent = 0;

beforeAll(async () => {
  h = await setup();
  server = createServer((req, res) => {
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    setTimeout(() => {
      concurrent--;
      res.writeHead(status, { "content-type": "text/html" });
      res.end(req.url === "/maintenance" ? "<h1>Down for maintenance</h1>" : "<h1>Welcome</h1>");
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
});
beforeEach(async () => {
  delayMs = 0;
  status = 200;
  maxConcurrent = 0;
  await h.sql`delete from monitors where source = 'probe'`;
});

const due = () => h.sql`update monitors set next_run_at = now() - interval '1 second' where source = 'probe'`;
const results = (id: string) =>
  h.sql`select status, message from check_results where monitor_id = ${id} order by ts`;

describe("evaluateProbe", () => {
  const http = {
    kind: "http",
    url: "http://x",
    method: "GET",
    tls_warn_days: 14,
    degraded_ms: 80,
    down_ms: 200,
    timeout_ms: 1000,
  } as const;
  it.each([
    [{ reachable: true, latency_ms: 20, status_code: 200 }, "ok"],
    [{ reachable: true, latency_ms: 120, status_code: 200 }, "degraded"],
    [{ reachable: true, latency_ms: 250, status_code: 200 }, "down"],
    [{ reachable: true, latency_ms: 20, status_code: 503 }, "down"],
    [{ reachable: true, latency_ms: 20, status_code: 200, tls_days_left: 5 }, "degraded"],
    [{ reachable: true, latency_ms: 20, status_code: 200, tls_days_left: -1 }, "down"],
    [{ reachable: false, latency_ms: 1000, error: "ECONNREFUSED" }, "down"],
  ])("judges %j as %s with the 80/200 ms defaults", (observation, expected) => {
    expect(evaluateProbe(http, observation).status).toBe(expected);
  });
});

describe("backend probes", () => {
  it("checks an HTTP endpoint on its interval and records ok with the latency", async () => {
    const { id } = await createProbe({
      ctx: h,
      // thresholds far above any loopback answer: "ok" must not depend on this machine's speed
      input: {
        org_id: h.orgId,
        name: "site",
        config: { kind: "http", url: `${base}/`, degraded_ms: 5_000, down_ms: 10_000 },
      },
    });
    await due();
    const run = await runDueProbes({ ctx: h.app.ctx });
    expect(run.ran).toBe(1);
    expect((await results(id)).map((r) => r.status)).toEqual(["ok"]);
    // not due again until its interval has passed
    expect((await runDueProbes({ ctx: h.app.ctx })).ran).toBe(0);
  });

  it("reports a missing keyword, a wrong status and a slow answer as down", async () => {
    const kw = await createProbe({
      ctx: h,
      input: {
        org_id: h.orgId,
        name: "kw",
        config: { kind: "http", url: `${base}/maintenance`, keyword: "Welcome" },
      },
    });
    status = 502;
    await due();
    await runDueProbes({ ctx: h.app.ctx });
    expect((await results(kw.id))[0]).toMatchObject({ status: "down", message: "HTTP 502" });
    status = 200;
    await due();
    await runDueProbes({ ctx: h.app.ctx });
    expect((await results(kw.id))[1]).toMatchObject({
      status: "down",
      message: 'keyword "Welcome" not found',
    });
    const slow = await createProbe({
      ctx: h,
      input: { org_id: h.orgId, name: "slow", config: { kind: "http", url: `${base}/` } },
    });
    delayMs = 300;
    await due();
    await runDueProbes({ ctx: h.app.ctx });
    expect((await results(slow.id))[0]?.message).toMatch(/slow: \d+ ms \(down above 200 ms\)/);
  });

  it("opens an incident after two failed probes", async () => {
    const { id } = await createProbe({
      ctx: h,
      input: { org_id: h.orgId, name: "api", config: { kind: "http", url: `${base}/` } },
    });
    status = 500;
    for (let i = 0; i < 2; i++) {
      await due();
      await runDueProbes({ ctx: h.app.ctx });
    }
    const [incident] = await h.sql`select kind, status, title from incidents where monitor_id = ${id}`;
    expect(incident).toEqual({ kind: "probe", status: "open", title: "api is down" });
  });

  it("records a TCP probe as unsupported where the prober cannot open TCP (fetch), and pages nobody", async () => {
    const { id } = await createProbe({
      ctx: h,
      input: { org_id: h.orgId, name: "db port", config: { kind: "tcp", host: "127.0.0.1", port: 5432 } },
    });
    for (let i = 0; i < 3; i++) {
      await due();
      await runDueProbes({ ctx: h.app.ctx, prober: fetchProber });
    }
    const recorded = await results(id);
    expect(recorded.map((r) => r.status)).toEqual(["unsupported", "unsupported", "unsupported"]);
    expect(recorded[0]?.message).toMatch(/TCP probes need custos-server's prober/);
    expect(await h.sql`select id from incidents where monitor_id = ${id}`).toHaveLength(0);
  });

  it("spreads 1,000 probes of one interval over that interval instead of firing them together", async () => {
    const { id } = await createProbe({
      ctx: h,
      input: {
        org_id: h.orgId,
        name: "seed",
        interval_seconds: 60,
        config: { kind: "http", url: `${base}/` },
      },
    });
    await h.sql`
      insert into monitors (org_id, source, name, type, config, interval_seconds, next_run_at)
      select org_id, 'probe', 'p' || g, type, config, 60, now() from monitors, generate_series(1, 999) g where id = ${id}`;
    await h.sql`update monitors set next_run_at = now() + make_interval(secs => abs(hashtext(id::text)) % interval_seconds) where source = 'probe'`;
    const buckets = await h.sql`
      select floor((abs(hashtext(id::text)) % interval_seconds) / 10)::int as bucket, count(*)::int as n
      from monitors where source = 'probe' group by 1 order by 1`;
    expect(buckets).toHaveLength(6);
    for (const b of buckets) expect(b.n).toBeLessThan(250); // ~167 per 10 s bucket, none near 1,000
  });

  it("never runs more probes at once than the concurrency limit", async () => {
    for (let i = 0; i < 12; i++) {
      await createProbe({
        ctx: h,
        input: {
          org_id: h.orgId,
          name: `c${i}`,
          config: { kind: "http", url: `${base}/`, timeout_ms: 5000 },
        },
      });
    }
    delayMs = 100;
    await due();
    const run = await runDueProbes({ ctx: h.app.ctx, concurrency: 3 });
    expect(run.ran).toBe(12);
    expect(maxConcurrent).toBeLessThanOrEqual(3);
    expect(maxConcurrent).toBeGreaterThan(1);
  });

  it("refuses a probe configuration with bad input, naming the field", async () => {
    const error = await createProbe({
      ctx: h,
      input: {
        org_id: h.orgId,
        name: "bad",
        config: { kind: "http", url: "ftp://x", degraded_ms: 5 } as never,
      },
    }).catch((e) => e);
    expect(JSON.stringify(error.issues?.[0]?.path)).toContain("url");
  });
});
