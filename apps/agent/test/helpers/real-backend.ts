/**
 * A real custos-server (apps/server, on embedded PostgreSQL) with one organization and one
 * agent API key, plus the queries that show what it stored.
 */
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";

export interface RealBackend {
  server: CustosServerHandle;
  url: string;
  orgId: string;
  apiKey: string;
  sql: postgres.Sql;
  /** Stored values of one metric (all series of that name), oldest first. */
  samples(name: string): Promise<{ ts: Date; value: number }[]>;
  /** Stored check results of one monitor, oldest first. */
  checks(monitor: string): Promise<{ ts: Date; status: string }[]>;
  close(): Promise<void>;
}

export async function startRealBackend(orgName = "agent-tests"): Promise<RealBackend> {
  const server = await startCustosServer();
  try {
    const orgId = await server.createOrg(orgName);
    const apiKey = await server.createKey(orgId, "agent");
    const sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
    return {
      server,
      url: server.url,
      orgId,
      apiKey,
      sql,
      async samples(name) {
        const rows = await sql<{ ts: Date; value: number }[]>`
          select s.ts, s.value from public.metric_samples s
          join public.metric_series m on m.id = s.series_id
          where m.org_id = ${orgId} and m.name = ${name}
          order by s.ts, s.value`;
        return rows.map((r) => ({ ts: r.ts, value: Number(r.value) }));
      },
      async checks(monitor) {
        return sql<{ ts: Date; status: string }[]>`
          select c.ts, c.status::text as status from public.check_results c
          join public.monitors m on m.id = c.monitor_id
          where c.org_id = ${orgId} and m.name = ${monitor}
          order by c.ts`;
      },
      async close() {
        await sql.end({ timeout: 5 });
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
