/**
 * The organization's plan refuses a new server (402 PLAN_LIMIT) against a real custos-server: the
 * agent logs the backend's words once per attempt, keeps collecting and buffering, retries slowly,
 * and delivers everything once the plan has room.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { createLogger } from "../../src/log.ts";
import { plugins } from "../../src/plugins/registry.ts";
import { startAgent } from "../../src/runtime.ts";
import { readStatus } from "../../src/status/read.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { runAgentCommand } from "../helpers/agent-process.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

const REFUSAL =
  "the Free plan allows 1 server and this organization has 1: remove a server or change the plan";

let backend: RealBackend;
beforeAll(async () => {
  backend = await startRealBackend("plan-limit");
});
afterAll(async () => {
  await backend?.close();
});

/** An organization on the free plan whose one server place is taken by another machine. */
async function fullFreeOrg(name: string) {
  const orgId = await backend.server.createOrg(name);
  const apiKey = await backend.server.createKey(orgId, "agent");
  await backend.sql`update public.organizations set plan_id = 'free' where id = ${orgId}`;
  const taken = await fetch(`${backend.url}/functions/v1/api/agent/register`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({
      hostname: "the-other-machine",
      server_name: "other",
      agent_version: "1",
      os: "linux",
      arch: "x64",
    }),
  });
  expect(taken.status).toBe(200);
  return { orgId, apiKey };
}

describe("a registration the plan refuses", () => {
  it("is logged with the backend's message once per attempt, retried slowly, and loses nothing once the plan has room", async () => {
    const { orgId, apiKey } = await fullFreeOrg("full-free");
    const files = agentDir();
    files.write(`
api_key: ${apiKey}
url: ${backend.url}
metrics_push_interval: 200ms
heartbeat_interval: 1s
monitors:
  - type: agent
    check_interval: 100ms
buffer:
  path: ${files.statePath}
`);
    const lines: { level: string; msg: string }[] = [];
    const log = createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) });
    const retryMs = 1_500;
    const started = Date.now();
    const agent = await startAgent(loadConfig(files.configPath, { plugins, env: {} }), {
      log,
      backoff: { baseMs: 50, capMs: 200 },
      planLimitRetryMs: retryMs,
    });
    try {
      const refusals = () => lines.filter((l) => l.msg.includes(REFUSAL));
      await waitFor(() => refusals().length >= 2, 20_000, "two refused attempts logged");
      const elapsed = Date.now() - started;
      // every refusal is an error naming the plan, one per attempt at the slow pace: no flood
      expect(refusals().every((l) => l.level === "error")).toBe(true);
      expect(refusals()[0]?.msg).toBe(`the backend refused to register this server: ${REFUSAL}`);
      expect(refusals().length).toBeLessThanOrEqual(Math.ceil(elapsed / retryMs) + 1);
      // `custos-agent status` and the local page say why the server is not registered
      expect(readStatus(agent.store).server).toMatchObject({ id: null, refused: REFUSAL });
      // collecting goes on into the buffer
      expect(agent.store.outbox.depth().items.metrics).toBeGreaterThan(10);
      const [counted] = await backend.sql<{ n: number }[]>`
        select count(*)::int as n from public.servers where org_id = ${orgId}`;
      expect(counted?.n).toBe(1);

      // the operator changes the plan: the next attempt registers and the buffer drains
      const changedAt = Date.now();
      await backend.sql`update public.organizations set plan_id = 'unlimited' where id = ${orgId}`;
      await waitFor(
        () => {
          const oldest = agent.store.outbox.depth().oldestEnqueuedAt;
          return oldest === undefined || oldest >= changedAt;
        },
        30_000,
        "buffer drained after the plan changed",
      );
      expect(readStatus(agent.store).server.refused).toBeNull();
    } finally {
      await agent.stop();
      files.remove();
    }
    // every collection since the start arrived, none lost while refused
    const values = (
      await backend.sql<{ value: number }[]>`
        select s.value from public.metric_samples s join public.metric_series m on m.id = s.series_id
        where m.org_id = ${orgId} and m.name = 'agent_collections_total' order by s.ts`
    ).map((r) => Number(r.value));
    expect(values.length).toBeGreaterThan(10);
    expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i + 1));
  }, 60_000);

  it("`register` exits 77 with the backend's message", async () => {
    const { apiKey } = await fullFreeOrg("full-free-cli");
    const files = agentDir();
    try {
      const result = await runAgentCommand([
        "register",
        "--url",
        backend.url,
        "--api-key",
        apiKey,
        "--config",
        files.configPath,
        "--state",
        files.statePath,
      ]);
      expect(result.code).toBe(77);
      expect(result.stderr).toContain(
        `custos-agent: the backend refused to register this server: ${REFUSAL}`,
      );
      expect(result.stderr).not.toContain(apiKey);
    } finally {
      files.remove();
    }
  });
});
