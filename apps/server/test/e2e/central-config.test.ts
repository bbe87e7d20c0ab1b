/**
 * Central configuration end to end in real processes (decision 0037): a custos-server, a real
 * agent (`custos-agent run` from source, as a child process) and a webhook receiver on loopback
 * for the agent's own channel. An admin changes a threshold through the dashboard's REST API; the
 * agent applies it within one heartbeat (the answer carries the new version, the agent fetches
 * it) and the next breach opens an incident through both alert paths: the backend's incident,
 * and the agent's own page on its local channel, which the backend records so it does not page
 * that destination twice (decision 0024). The same through the dashboard's editor:
 * central-config-browser.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startJsonSink, until } from "../helpers/agent-api.ts";
import { type AppMetricsAgent, startAppMetricsAgent } from "../helpers/central-agent.ts";
import { apiCall, signUpByApi } from "./session.ts";

const HEARTBEAT_SECONDS = 2;

let server: CustosServerHandle;
let sql: postgres.Sql;
let agentSink: Awaited<ReturnType<typeof startJsonSink>>;
let dir: string;
let agent: AppMetricsAgent | undefined;

beforeAll(async () => {
  agentSink = await startJsonSink();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { HOST: "127.0.0.1" } });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
  dir = mkdtempSync(join(tmpdir(), "custos-central-e2e-"));
}, 300_000);
afterAll(async () => {
  await agent?.stop();
  await sql?.end();
  await server?.close();
  await agentSink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("central configuration through a real custos-server and a real agent", () => {
  it("applies a threshold changed through the REST API within one heartbeat; the next breach opens an incident", async () => {
    const signUp = await signUpByApi(server, "admin@example.com");
    const token = ((await signUp.json()) as { access_token: string }).access_token;
    const me = await apiCall(server, token, "GET", "/me");
    const orgId = me.body.orgs[0]?.id as string;
    const key = await server.createKey(orgId, "agent");

    // a generous threshold first: the application's queue is far below it
    const threshold = { metric: "queue_depth", crit_above: 100_000 };
    const first = await apiCall(server, token, "PUT", `/orgs/${orgId}/monitor-config`, {
      scope: "org",
      thresholds: [threshold],
    });
    expect(first.status).toBe(200);

    agent = await startAppMetricsAgent({
      serverUrl: server.url,
      key,
      dir,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      webhookUrl: agentSink.url,
    });
    const serverId = await until(
      "registration",
      async () => (await sql<{ id: string }[]>`select id from servers where org_id = ${orgId}`)[0]?.id,
      60_000,
    );
    const view = () => apiCall(server, token, "GET", `/orgs/${orgId}/servers/${serverId}/monitor-config`);
    await until(
      "the first version applied",
      async () => ((await view()).body.in_sync ? true : undefined),
      60_000,
    );
    await until(
      "the application endpoint",
      async () => ((await agent?.post(5000)) === 202 ? true : undefined),
      20_000,
    );
    await until(
      "an ok threshold check at the backend",
      async () =>
        (
          await sql`select 1 from check_results c join monitors m on m.id = c.monitor_id
                    where m.server_id = ${serverId} and m.name = 'threshold:queue_depth' and c.status = 'ok'`
        )[0],
      30_000,
    );
    expect(await sql`select 1 from incidents where org_id = ${orgId}`).toHaveLength(0);

    // the admin lowers the threshold below the queue
    const changedAt = Date.now();
    const put = await apiCall(server, token, "PUT", `/orgs/${orgId}/monitor-config`, {
      scope: "org",
      thresholds: [{ ...threshold, crit_above: 1000 }],
    });
    expect(put.status).toBe(200);
    const applied = await until(
      "the new version applied",
      async () => {
        const v = (await view()).body;
        return v.in_sync && v.thresholds[0]?.threshold.crit_above === 1000 ? v : undefined;
      },
      30_000,
    );
    // one heartbeat interval, plus the fetch and the report on a busy 2-core machine
    expect(Date.now() - changedAt).toBeLessThan(HEARTBEAT_SECONDS * 1000 + 4_000);
    expect(applied.agent.local_monitors).toEqual(["app_metrics"]);

    await agent.post(5000);
    const incident = await until(
      "the incident",
      async () =>
        (
          await sql<{ title: string; status: string }[]>`
            select i.title, i.status::text as status from incidents i join monitors m on m.id = i.monitor_id
            where i.org_id = ${orgId} and m.name = 'threshold:queue_depth'`
        )[0],
      60_000,
    );
    expect(incident.status).toBe("open");
    // the agent's own path: its page, reported to the backend with the incident's key
    const own = await until(
      "the agent's page",
      async () => agentSink.payloads.find((p) => p.event === "down" && p.source === "agent"),
      60_000,
    );
    expect(JSON.stringify(own)).toContain("threshold:queue_depth");
    await until(
      "the agent's page recorded by the backend",
      async () =>
        (
          await sql`select 1 from agent_alerts
                    where server_id = ${serverId} and monitor = 'threshold:queue_depth' and state = 'down'`
        )[0],
      30_000,
    );
  }, 300_000);
});
