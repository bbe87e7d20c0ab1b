/**
 * A threshold on an application's own metric alerts like a built-in check, end to end: the
 * application posts to the agent's local endpoint, the agent turns the threshold into check
 * results, and a real custos-server opens an incident after two bad checks and resolves it after
 * two good ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log.ts";
import { plugins } from "../../src/plugins/registry.ts";
import { startAgent } from "../../src/runtime.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { freeLoopbackPort } from "../helpers/ports.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

describe("thresholds on application metrics at a real custos-server", () => {
  let backend: RealBackend;
  const files = agentDir();

  beforeAll(async () => {
    backend = await startRealBackend("app-metrics");
  });
  afterAll(async () => {
    await backend?.close();
    files.remove();
  });

  it("opens an incident when queue_depth crosses crit_above and resolves it when it comes back", async () => {
    const httpPort = await freeLoopbackPort();
    files.write(`
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: app-host
heartbeat_interval: 1s
metrics_push_interval: 300ms
monitors:
  - type: app_metrics
    http_port: ${httpPort}
    statsd_port: false
    check_interval: 300ms
    thresholds:
      - metric: queue_depth
        crit_above: 1000
buffer:
  path: ${files.statePath}
`);
    const settings = loadConfig(files.configPath, { plugins, env: {} });
    const agent = await startAgent(settings, { log: silentLogger, backoff: { baseMs: 100, capMs: 500 } });
    const post = (value: number) =>
      fetch(`http://127.0.0.1:${httpPort}/v1/metrics`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "queue_depth", value }),
      });
    const incidents = () =>
      backend.sql<{ title: string; status: string; cause: string | null }[]>`
        select i.title, i.status::text as status, i.cause from public.incidents i
        join public.monitors m on m.id = i.monitor_id
        where i.org_id = ${backend.orgId} and m.name = 'app_metrics:queue_depth'`;
    try {
      await waitFor(
        async () => (await post(10).catch(() => undefined))?.status === 202,
        10_000,
        "the endpoint",
      );
      await waitFor(
        async () => (await backend.checks("app_metrics:queue_depth")).length >= 2,
        20_000,
        "ok checks",
      );
      expect(await incidents()).toEqual([]);

      expect((await post(5000)).status).toBe(202);
      const [open] = await waitFor(
        async () => {
          const rows = await incidents();
          return rows.length > 0 && rows;
        },
        20_000,
        "the incident",
      );
      expect(open?.status).toBe("open");
      expect(`${open?.title} ${open?.cause}`).toContain("queue_depth");
      expect((await backend.samples("queue_depth")).map((s) => s.value)).toContain(5000);

      expect((await post(3)).status).toBe(202);
      await waitFor(
        async () => (await incidents()).every((i) => i.status === "resolved"),
        20_000,
        "the incident to resolve",
      );
    } finally {
      await agent.stop();
    }
  });
});
