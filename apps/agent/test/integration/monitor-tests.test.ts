/**
 * Monitor tests end to end at a real custos-server (decision 0045): a test queued for the server
 * is announced in the combined push's heartbeat answer, claimed, run once by the real http
 * plugin with a value from the agent's environment, and its result stored on the test run —
 * and nowhere else: no monitor, no check result, nothing added to what the agent runs.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MonitorTestOutcome } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log.ts";
import { plugins } from "../../src/plugins/registry.ts";
import { type RunningAgent, startAgent } from "../../src/runtime.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

/** A `${NAME}` reference, as the dashboard writes it. */
const ref = (name: string) => `$${"{"}${name}}`;

describe("monitor tests at a real custos-server", () => {
  let backend: RealBackend;
  let target: Server;
  let targetUrl: string;
  const hits: string[] = [];
  const files = agentDir();
  let agent: RunningAgent | undefined;
  let serverId: string;

  beforeAll(async () => {
    backend = await startRealBackend("monitor-tests");
    target = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.writeHead(req.url === "/broken" ? 503 : 200).end("ok");
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    files.write(`
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: tested-host
heartbeat_interval: 1s
metrics_push_interval: 300ms
monitors:
  - type: system
buffer:
  path: ${files.statePath}
`);
    agent = await startAgent(loadConfig(files.configPath, { plugins, env: {} }), {
      log: silentLogger,
      backoff: { baseMs: 100, capMs: 500 },
      plugins,
      env: { SITE: targetUrl },
    });
    serverId = await waitFor(
      async () => (await backend.sql<{ id: string }[]>`select id from public.servers`)[0]?.id,
      20_000,
      "registration",
    );
  }, 120_000);
  afterAll(async () => {
    await agent?.stop();
    await backend?.close();
    await new Promise((resolve) => target?.close(resolve));
    files.remove();
  });

  async function queue(monitor: unknown): Promise<string> {
    const [row] = await backend.sql<{ id: string }[]>`
      insert into public.monitor_test_runs (org_id, server_id, monitor)
      values (${backend.orgId}, ${serverId}, ${backend.sql.json(monitor as never)}) returning id`;
    return (row as { id: string }).id;
  }
  const finished = (id: string) =>
    waitFor(
      async () => {
        const [row] = await backend.sql<{ status: string; result: unknown; claimed_at: Date | null }[]>`
          select status, result, claimed_at from public.monitor_test_runs where id = ${id}`;
        return row && (row.status === "done" || row.status === "failed") ? row : undefined;
      },
      20_000,
      `test ${id} finished`,
    );

  it("runs a queued test once with the agent's environment and stores the result on the run only", async () => {
    const ok = await queue({ type: "http", name: "site-test", options: { url: `${ref("SITE")}/health` } });
    const broken = await queue({
      type: "http",
      name: "broken-test",
      options: { url: `${ref("SITE")}/broken` },
    });
    const done = await finished(ok);
    expect(done.status).toBe("done");
    const outcome = MonitorTestOutcome.parse(done.result);
    expect(outcome).toMatchObject({ status: "ok", checks: [{ name: "site-test", status: "ok" }] });
    const down = await finished(broken);
    expect(MonitorTestOutcome.parse(down.result)).toMatchObject({ status: "down" });
    expect(MonitorTestOutcome.parse(down.result).message).toContain("503");

    // once: a few heartbeats later nobody asked the target again (the failing one's count
    // includes the http plugin's own retry within its one run)
    const asked = {
      health: hits.filter((h) => h === "/health").length,
      broken: hits.filter((h) => h === "/broken").length,
    };
    expect(asked.health).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(hits.filter((h) => h === "/health")).toHaveLength(asked.health);
    expect(hits.filter((h) => h === "/broken")).toHaveLength(asked.broken);
    // nothing recorded as a check or a monitor, nothing opened
    expect(await backend.checks("site-test")).toEqual([]);
    expect(await backend.checks("broken-test")).toEqual([]);
    const [counts] = await backend.sql`
      select (select count(*)::int from public.monitors where name in ('site-test', 'broken-test')) as monitors,
             (select count(*)::int from public.incidents) as incidents`;
    expect(counts).toEqual({ monitors: 0, incidents: 0 });
  });

  it("reports a monitor its validation refuses as failed, naming the field", async () => {
    const id = await queue({ type: "http", name: "nowhere", options: { url: ref("NOT_SET") } });
    const row = await finished(id);
    expect(row.status).toBe("failed");
    const outcome = MonitorTestOutcome.parse(row.result);
    expect(outcome.status).toBe("refused");
    expect(outcome.message).toMatch(/^monitor\.options\.url: /);
  });
});
