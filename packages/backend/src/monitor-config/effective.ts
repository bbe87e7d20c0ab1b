/**
 * One server's effective configuration, read in one statement: the server's tags and every
 * entry that applies to it (org-wide, its tags, its own). Runs on whichever handle it is given:
 * the caller's transaction (the dashboard, under RLS) or service access (the agent routes and
 * the heartbeat answer).
 */
import type { CentralMonitor, CentralThreshold } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import type { MonitorConfigsRow } from "../db/rows.ts";
import { type MergedConfig, mergeConfig, type ScopeEntry } from "./merge.ts";

export interface ServerConfig extends MergedConfig {
  tags: string[];
}

/** undefined when the server is not in the organization (or not visible to the caller). */
export async function serverConfig(
  sql: Queryable,
  orgId: string,
  serverId: string,
): Promise<ServerConfig | undefined> {
  const rows = await sql<
    (Pick<MonitorConfigsRow, "tag" | "monitors" | "thresholds"> & {
      scope: MonitorConfigsRow["scope"] | null;
      server_tags: string[];
    })[]
  >`
    select c.scope, c.tag, c.monitors, c.thresholds, s.tags as server_tags
    from public.servers s
    left join public.monitor_configs c on c.org_id = s.org_id and (
      c.scope = 'org'
      or (c.scope = 'tag' and c.tag = any (s.tags))
      or (c.scope = 'server' and c.server_id = s.id))
    where s.id = ${serverId} and s.org_id = ${orgId}`;
  const first = rows[0];
  if (!first) return undefined;
  const entries: ScopeEntry[] = rows.flatMap((row) =>
    row.scope
      ? [
          {
            scope: row.scope,
            tag: row.tag,
            monitors: row.monitors as CentralMonitor[],
            thresholds: row.thresholds as CentralThreshold[],
          },
        ]
      : [],
  );
  return { tags: first.server_tags, ...(await mergeConfig(entries)) };
}
