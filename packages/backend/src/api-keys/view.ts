import type { ApiKeyItem } from "@custos/protocol";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import { iso, isoOrNull } from "../orgs/access.ts";

/** API keys as the caller sees them: the visible prefix, never the hash. */
export async function selectApiKeys(
  tx: TransactionSql,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<ApiKeyItem[]> {
  const rows = await tx<
    {
      id: string;
      name: string;
      prefix: string;
      scope: ApiKeyItem["scope"];
      created_at: Date;
      created_by: string | null;
      created_by_email: string | null;
      last_used_at: Date | null;
      revoked_at: Date | null;
    }[]
  >`
    select k.id, k.name, k.prefix, k.scope, k.created_at, k.created_by, mem.email as created_by_email,
           k.last_used_at, k.revoked_at
    from public.api_keys k
    left join private.org_members(${orgId}) mem on mem.user_id = k.created_by
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
  }));
}
