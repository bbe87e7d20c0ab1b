/**
 * A new user's first agent on a new installation: custos-server has just created its schema in an
 * empty database, and the agent's first push must land within one push interval. Regression: the
 * first checks batch on a fresh database answered 500 and held the metrics queued behind it.
 */
import {
  type CustosServerHandle,
  createEmptyDatabase,
  type PostgresCluster,
  startCustosServer,
  startPostgres,
} from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { type AgentProcess, spawnAgent } from "../helpers/agent-process.ts";

const PUSH_INTERVAL_MS = 5_000;

let cluster: PostgresCluster;
let server: CustosServerHandle;
let sql: postgres.Sql;
beforeAll(async () => {
  cluster = await startPostgres();
  const databaseUrl = await createEmptyDatabase(cluster.adminUrl, "first_push");
  server = await startCustosServer({ databaseUrl });
  sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await server?.close();
  await cluster?.stop();
});

describe("a real agent on a fresh installation", () => {
  it("delivers its first metrics and checks to PostgreSQL within one push interval", async () => {
    const org = await server.createOrg("First push");
    const key = await server.createKey(org, "agent");
    const files = agentDir();
    files.write(`
api_key: ${key}
url: ${server.url}
server_name: first-push
heartbeat_interval: 60s
metrics_push_interval: ${PUSH_INTERVAL_MS / 1000}s
monitors:
  - type: system
    check_interval: 1s
  - type: agent
    check_interval: 1s
buffer:
  path: ${files.statePath}
`);
    let agent: AgentProcess | undefined;
    try {
      const started = Date.now();
      agent = spawnAgent(["run", "--config", files.configPath]);
      const registered = await waitFor(
        async () => (await sql`select 1 from public.servers where org_id = ${org}`).length > 0 && Date.now(),
        30_000,
        "registration",
      );
      // registration includes the process start-up (loading Node and the modules): the push
      // interval is measured from the moment the agent is known to the server
      const arrived = await waitFor(
        async () => {
          const [row] = await sql<{ samples: number; checks: number }[]>`
            select (select count(*)::int from public.metric_samples s
                      join public.metric_series m on m.id = s.series_id where m.org_id = ${org}) as samples,
                   (select count(*)::int from public.check_results where org_id = ${org}) as checks`;
          return row && row.samples > 0 && row.checks > 0 && Date.now();
        },
        PUSH_INTERVAL_MS + 10_000,
        "the first samples and check results in PostgreSQL",
      );
      expect(
        arrived - registered,
        `started ${registered - started} ms before registration`,
      ).toBeLessThanOrEqual(PUSH_INTERVAL_MS);
      // every push was accepted the first time (the pusher logs each refused round)
      expect(agent.output()).not.toContain("push failed");
    } finally {
      await agent?.stop();
      files.remove();
    }
  });
});
