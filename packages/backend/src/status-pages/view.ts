import type { StatusPageItem } from "@custos/protocol";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import { AppError } from "../errors.ts";
import { iso } from "../orgs/access.ts";

export async function selectStatusPages(
  tx: TransactionSql,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<StatusPageItem[]> {
  const rows = await tx<
    {
      id: string;
      slug: string;
      title: string;
      monitor_ids: string[];
      enabled: boolean;
      created_at: Date;
      updated_at: Date;
    }[]
  >`
    select p.id, p.slug, p.title, p.monitor_ids::text[] as monitor_ids, p.enabled, p.created_at, p.updated_at
    from public.status_pages p
    where p.org_id = ${orgId} ${where}
    order by p.slug`;
  return rows.map((p) => ({ ...p, created_at: iso(p.created_at), updated_at: iso(p.updated_at) }));
}

export async function readStatusPage(
  tx: TransactionSql,
  orgId: string,
  pageId: string,
): Promise<StatusPageItem> {
  const [page] = await selectStatusPages(tx, orgId, tx`and p.id = ${pageId}`);
  if (!page) throw new AppError("NOT_FOUND", `status page ${pageId} not found`, { field: "page_id" });
  return page;
}

/** Only monitors of this organization may be published; the error names the offending index. */
export async function checkMonitorIds(tx: TransactionSql, orgId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx<{ id: string }[]>`
    select id from public.monitors where org_id = ${orgId} and id = any (${ids}::uuid[])`;
  const known = new Set(found.map((r) => r.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) {
    throw new AppError("VALIDATION", `monitor_ids.${missing}: no such monitor in this organization`, {
      field: `monitor_ids.${missing}`,
    });
  }
}

export const SLUG_TAKEN = new AppError("CONFLICT", "this slug is taken; choose another", { field: "slug" });
