import type { StatusPageItem } from "@custos/protocol";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { MonitorsRow, ServersRow, StatusPagesRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso } from "../orgs/access.ts";

export async function selectStatusPages(
  tx: TransactionSql,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<StatusPageItem[]> {
  const rows = await tx<
    Pick<
      StatusPagesRow,
      "id" | "slug" | "title" | "monitor_ids" | "server_ids" | "enabled" | "created_at" | "updated_at"
    >[]
  >`
    select p.id, p.slug, p.title, p.monitor_ids::text[] as monitor_ids, p.server_ids::text[] as server_ids,
           p.enabled, p.created_at, p.updated_at
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

/** Only objects of this organization may be published; the error names the offending index. */
async function checkIds(
  tx: TransactionSql,
  orgId: string,
  ids: string[],
  table: "monitors" | "servers",
  field: "monitor_ids" | "server_ids",
): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx<Pick<MonitorsRow | ServersRow, "id">[]>`
    select id from ${tx(`public.${table}`)} where org_id = ${orgId} and id = any (${ids}::uuid[])`;
  const known = new Set(found.map((r) => r.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) {
    const what = table === "monitors" ? "monitor" : "server";
    throw new AppError("VALIDATION", `${field}.${missing}: no such ${what} in this organization`, {
      field: `${field}.${missing}`,
    });
  }
}

export const checkMonitorIds = (tx: TransactionSql, orgId: string, ids: string[]) =>
  checkIds(tx, orgId, ids, "monitors", "monitor_ids");
export const checkServerIds = (tx: TransactionSql, orgId: string, ids: string[]) =>
  checkIds(tx, orgId, ids, "servers", "server_ids");

export const SLUG_TAKEN = new AppError("CONFLICT", "this slug is taken; choose another", { field: "slug" });
