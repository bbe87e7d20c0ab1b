/** Registration and approval against a real custos-server. */
import { readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log.ts";
import { plugins } from "../../src/plugins/registry.ts";
import { startAgent } from "../../src/runtime.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { runAgentCommand } from "../helpers/agent-process.ts";
import { freeLoopbackPort } from "../helpers/ports.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

let backend: RealBackend;
beforeAll(async () => {
  backend = await startRealBackend("register");
});
afterAll(async () => {
  await backend?.close();
});

describe("registration with a real custos-server", () => {
  it("`register` writes a minimal config (mode 0600) and stores the server id that `status` shows", async () => {
    const files = agentDir();
    try {
      const result = await runAgentCommand([
        "register",
        "--url",
        backend.url,
        "--api-key",
        backend.apiKey,
        "--config",
        files.configPath,
        "--state",
        files.statePath,
        "--server-name",
        "db-1",
      ]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const id = /registered as server ([0-9a-f-]{36}) \(approved\)/.exec(result.stdout)?.[1];
      expect(id).toBeDefined();
      expect(statSync(files.configPath).mode & 0o777).toBe(0o600);
      expect(readFileSync(files.configPath, "utf8")).toContain(`api_key: ${backend.apiKey}`);
      const [row] = await backend.sql<
        { id: string; name: string }[]
      >`select id, name from public.servers where org_id = ${backend.orgId}`;
      expect(row).toEqual({ id, name: "db-1" });

      const status = await runAgentCommand(["status", "--json", "--config", files.configPath]);
      expect(JSON.parse(status.stdout).server).toMatchObject({ id, approval: "approved" });
      // registering again finds the same server (machine identity), no duplicate
      const again = await runAgentCommand([
        "register",
        "--url",
        backend.url,
        "--api-key",
        backend.apiKey,
        "--config",
        files.configPath,
      ]);
      expect(again.stdout).toContain(`registered as server ${id}`);
      const [counted] = await backend.sql<
        { count: number }[]
      >`select count(*)::int as count from public.servers where org_id = ${backend.orgId}`;
      expect(counted?.count).toBe(1);
    } finally {
      files.remove();
    }
  });

  it("`register` exits 77 when the API key is refused and 69 when the backend is unreachable", async () => {
    const files = agentDir();
    try {
      files.write(`api_key: x\nurl: ${backend.url}\nbuffer:\n  path: ${files.statePath}\n`);
      const refused = await runAgentCommand([
        "register",
        "--url",
        backend.url,
        "--api-key",
        "ck_wrong",
        "--config",
        files.configPath,
      ]);
      expect(refused.code).toBe(77);
      expect(refused.stderr).toMatch(/^custos-agent: the backend rejected the API key \(HTTP 401/m);
      expect(refused.stderr).not.toContain("ck_wrong");
      const port = await freeLoopbackPort();
      const down = await runAgentCommand([
        "register",
        "--url",
        `http://127.0.0.1:${port}`,
        "--api-key",
        "k",
        "--config",
        files.configPath,
      ]);
      expect(down.code).toBe(69);
      expect(down.stderr).toMatch(/^custos-agent: registration failed: /m);
    } finally {
      files.remove();
    }
  });

  it("keeps buffering while the server awaits approval and delivers everything once it is approved", async () => {
    const orgId = await backend.server.createOrg("needs-approval", { requireApproval: true });
    const apiKey = await backend.server.createKey(orgId, "agent");
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
    const agent = await startAgent(loadConfig(files.configPath, { plugins: plugins, env: {} }), {
      log: silentLogger,
      backoff: { baseMs: 50, capMs: 200 },
      pendingApprovalRetryMs: 300,
    });
    try {
      await waitFor(
        () => agent.store.outbox.depth().items.metrics >= 50,
        20_000,
        "samples buffered while pending",
      );
      const [server] = await backend.sql<
        { id: string; approval: string }[]
      >`select id, approval::text from public.servers where org_id = ${orgId}`;
      expect(server?.approval).toBe("pending");
      const stored = await backend.sql<
        { n: number }[]
      >`select count(*)::int as n from public.metric_series where org_id = ${orgId}`;
      expect(stored[0]?.n).toBe(0);

      // what was buffered before the approval is delivered (the outbox itself is never empty for
      // long: the agent keeps collecting every 100 ms)
      const approvedAt = Date.now();
      await backend.sql`update public.servers set approval = 'approved' where id = ${server?.id ?? ""}`;
      await waitFor(
        () => {
          const oldest = agent.store.outbox.depth().oldestEnqueuedAt;
          return oldest === undefined || oldest >= approvedAt;
        },
        30_000,
        "buffer drained after approval",
      );
    } finally {
      await agent.stop();
      files.remove();
    }
    const values = (
      await backend.sql<{ value: number }[]>`
        select s.value from public.metric_samples s join public.metric_series m on m.id = s.series_id
        where m.org_id = ${orgId} and m.name = 'agent_collections_total' order by s.ts`
    ).map((r) => Number(r.value));
    expect(values.length).toBeGreaterThan(10);
    expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i + 1));
  }, 60_000);
});
