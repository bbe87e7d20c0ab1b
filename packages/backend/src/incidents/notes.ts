import type { IncidentNote } from "@custos/protocol";
import type { TransactionSql } from "postgres";
import type { IncidentNotesRow } from "../db/rows.ts";
import { iso } from "../orgs/access.ts";

type NoteRow = Pick<IncidentNotesRow, "id" | "created_at" | "author_id" | "body"> & { email: string | null };

/**
 * The notes on one incident as the caller sees them, oldest first, with their authors' emails
 * (co-members only, as private.org_members decides); only `noteId` when it is given.
 */
export async function selectNotes(
  tx: TransactionSql,
  orgId: string,
  incidentId: string,
  noteId?: string,
): Promise<IncidentNote[]> {
  const rows = await tx<NoteRow[]>`
    with mem as (select user_id, email from private.org_members(${orgId}))
    select n.id, n.created_at, n.author_id, n.body, mem.email
    from public.incident_notes n
    left join mem on mem.user_id = n.author_id
    where n.org_id = ${orgId} and n.incident_id = ${incidentId} ${noteId ? tx`and n.id = ${noteId}` : tx``}
    order by n.created_at, n.id`;
  return rows.map((r) => ({
    type: "note",
    id: r.id,
    at: iso(r.created_at),
    by: r.author_id ? { id: r.author_id, email: r.email } : null,
    text: r.body,
  }));
}
