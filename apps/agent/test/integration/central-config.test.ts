/**
 * Central configuration end to end at a real custos-server (decision 0037): the agent learns a
 * new version from the heartbeat answer, fetches it, runs its monitors and thresholds without a
 * restart, refuses a document it cannot apply while the previous one keeps running, and starts
 * again with the last applied document while the backend is down. The entries are written to
 * the database directly: the API's own validation is tested in the backend, and a document the
 * agent refuses must be able to reach it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { configVersion } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log.ts";
import { plugins } from "../../src/plugins/registry.ts";
import { type RunningAgent, startAgent } from "../../src/runtime.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { freeLoopbackPort } from "../helpers/ports.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

describe("central configuration at a real custos-server", () => {
  let backend: RealBackend;
  let target: Server;
  let targetUrl: string;
  /** Paths the loopback HTTP target was asked for, in order. */
  const hits: string[] = [];
  const files = agentDir();
  let httpPort: number;
  let agent: RunningAgent | undefined;
  let serverId: string;

  beforeAll(async () => {
    backend = await startRealBackend("central-config");
    target = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.writeHead(200).end("ok");
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    httpPort = await freeLoopbackPort();
    files.write(`
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: central-host
heartbeat_interval: 1s
metrics_push_interval: 300ms
monitors:
  - type: app_metrics
    http_port: ${httpPort}
    statsd_port: false
    check_interval: 300ms
buffer:
  path: ${files.statePath}
`);
  });
  afterAll(async () => {
    await agent?.stop();
    await backend?.close();
    await new Promise((resolve) => target?.close(resolve));
    files.remove();
  });

  const start = () =>
    startAgent(loadConfig(files.configPath, { plugins, env: {} }), {
      log: silentLogger,
      backoff: { baseMs: 100, capMs: 500 },
      plugins,
      env: {},
    });
  const site = (path: string) => ({
    type: "http",
    name: "site",
    check_interval: "300ms",
    options: { url: `${targetUrl}${path}` },
  });
  const threshold = { metric: "queue_depth", crit_above: 100 };
  /** The org-wide entry; the version the agent must report is the hash of the whole document. */
  async function setOrgEntry(monitors: unknown[], thresholds: unknown[]) {
    await backend.sql`delete from public.monitor_configs where org_id = ${backend.orgId} and scope = 'org'`;
    await backend.sql`
      insert into public.monitor_configs (org_id, scope, monitors, thresholds)
      values (${backend.orgId}, 'org', ${backend.sql.json(monitors as never)}, ${backend.sql.json(thresholds as never)})`;
  }
  const report = async () =>
    (
      await backend.sql<
        {
          applied_version: string | null;
          refused_version: string | null;
          refused_reason: string | null;
          local_monitors: string[];
        }[]
      >`select * from public.server_config_reports where server_id = ${serverId}`
    )[0];
  const post = (value: number) =>
    fetch(`http://127.0.0.1:${httpPort}/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "queue_depth", value }),
    });

  it("applies a new version within a heartbeat without a restart: monitors, thresholds, local ones kept", async () => {
    // a central monitor of the local one's name is not run: agent.yaml wins
    const shadow = { type: "http", name: "app_metrics", options: { url: `${targetUrl}/shadow` } };
    const first = [site("/one"), shadow];
    await setOrgEntry(first, [threshold]);
    agent = await start();
    serverId = await waitFor(
      async () => (await backend.sql<{ id: string }[]>`select id from public.servers`)[0]?.id,
      20_000,
      "registration",
    );
    const firstVersion = await configVersion({ monitors: first, thresholds: [threshold] });
    await waitFor(
      async () => (await report())?.applied_version === firstVersion,
      20_000,
      "the first version applied",
    );
    expect((await report())?.local_monitors).toEqual(["app_metrics"]);
    await waitFor(() => hits.includes("/one"), 10_000, "the central http monitor");

    // the central threshold sees the local monitor's metric and reports through the backend
    await waitFor(
      async () => (await post(5000).catch(() => undefined))?.status === 202,
      10_000,
      "the endpoint",
    );
    await waitFor(
      async () => (await backend.checks("threshold:queue_depth")).some((c) => c.status === "down"),
      20_000,
      "the threshold's down check at the backend",
    );

    // a changed entry: the same agent object runs the new monitor definition
    const second = [site("/two"), shadow];
    await setOrgEntry(second, [threshold]);
    const secondVersion = await configVersion({ monitors: second, thresholds: [threshold] });
    await waitFor(
      async () => (await report())?.applied_version === secondVersion,
      10_000,
      "the second version",
    );
    const mark = hits.length;
    await waitFor(() => hits.slice(mark).includes("/two"), 10_000, "the changed monitor");
    await new Promise((r) => setTimeout(r, 700));
    expect(hits.slice(mark + 2)).not.toContain("/one");
    expect(hits).not.toContain("/shadow");
  });

  it("refuses a document it cannot apply, says why, and keeps running the previous one", async () => {
    const before = (await report())?.applied_version;
    const bad = { type: "http", name: "broken", options: { url: "ftp://nope" } };
    await backend.sql`
      insert into public.monitor_configs (org_id, scope, server_id, monitors)
      values (${backend.orgId}, 'server', ${serverId}, ${backend.sql.json([bad] as never)})`;
    const refused = await waitFor(async () => {
      const r = await report();
      return r?.refused_version ? r : undefined;
    }, 10_000);
    expect(refused.refused_reason).toContain(
      "monitors[2].options.url: url must be an http:// or https:// URL",
    );
    expect(refused.applied_version).toBe(before);
    const mark = hits.length;
    await waitFor(() => hits.slice(mark).includes("/two"), 5_000, "the previous monitors still running");
    await backend.sql`delete from public.monitor_configs where server_id = ${serverId}`;
  });

  it("starts again with the last applied configuration while the backend is down", async () => {
    const applied = (await report())?.applied_version;
    await agent?.stop();
    agent = undefined;
    await backend.server.stop();
    try {
      const mark = hits.length;
      agent = await start();
      await waitFor(() => hits.slice(mark).includes("/two"), 10_000, "the kept central monitor");
      expect(
        agent.store.kv.getJson<{ document: { version: string } }>("central_config")?.document.version,
      ).toBe(applied);
    } finally {
      await agent?.stop();
      agent = undefined;
      await backend.server.start();
    }
  });
});
