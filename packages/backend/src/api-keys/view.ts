import type { ApiKeyItem } from "@custos/protocol";
import type { PendingQuery, Row } from "postgres";
import type { Queryable } from "../db/queryable.ts";
import type { ApiKeysRow } from "../db/rows.ts";
import { iso, isoOrNull } from "../orgs/access.ts";

/** How many names of the servers using a key the list carries (the count is whole). */
const SERVER_NAMES_SHOWN = 5;

/** API keys as the caller sees them: the visible prefix, never the hash. */
export async function selectApiKeys(
  tx: Queryable,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<ApiKeyItem[]> {
  const rows = await tx<
    (Pick<
      ApiKeysRow,
      | "id"
      | "name"
      | "prefix"
      | "scope"
      | "created_at"
      | "created_by"
      | "last_used_at"
      | "revoked_at"
      | "max_servers"
      | "enroll_until"
    > & { created_by_email: string | null; server_count: number; server_names: string[] })[]
  >`
    select k.id, k.name, k.prefix, k.scope, k.created_at, k.created_by, mem.email as created_by_email,
           k.last_used_at, k.revoked_at, k.max_servers, k.enroll_until,
           coalesce(used.count, 0)::int as server_count, coalesce(used.names, '{}') as server_names
    from public.api_keys k
    left join private.org_members(${orgId}) mem on mem.user_id = k.created_by
    -- the servers that registered with the key last (the index on registered_with_key serves it)
    left join lateral (
      select count(*) as count, (array_agg(s.name order by s.name))[1:${SERVER_NAMES_SHOWN}] as names
      from public.servers s where s.org_id = k.org_id and s.registered_with_key = k.id
    ) used on true
    where k.org_id = ${orgId} ${where}
    order by k.revoked_at is not null, k.created_at desc, k.id`;
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scope: k.scope,
    created_at: iso(k.created_at),
    created_by: k.created_by ? { id: k.created_by, email: k.created_by_email } : null,
    last_used_at: isoOrNull(k.last_used_at),
    revoked_at: isoOrNull(k.revoked_at),
    max_servers: k.max_servers,
    enroll_until: isoOrNull(k.enroll_until),
    servers: { count: k.server_count, names: k.server_names },
  }));
}
