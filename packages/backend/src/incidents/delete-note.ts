import { type OkResponse, roleAtLeast } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { IncidentNotesRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const DeleteIncidentNoteInput = z.strictObject({
  org_id: z.uuid(),
  incident_id: z.uuid(),
  note_id: z.uuid(),
});
export type DeleteIncidentNoteInput = z.input<typeof DeleteIncidentNoteInput>;

/** Its author (member or up) or an admin removes a note; anyone else gets 403, a note not of this incident 404. */
export async function deleteIncidentNote({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: DeleteIncidentNoteInput;
}): Promise<OkResponse> {
  const { org_id, incident_id, note_id } = parseInput(DeleteIncidentNoteInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx, role) => {
    const [note] = await tx<(Pick<IncidentNotesRow, "author_id"> & { mine: boolean })[]>`
      select author_id, author_id = (select auth.uid()) as mine from public.incident_notes
      where id = ${note_id} and incident_id = ${incident_id} and org_id = ${org_id}`;
    if (!note) throw new AppError("NOT_FOUND", `note ${note_id} not found`, { field: "note_id" });
    if (!note.mine && !roleAtLeast(role, "admin")) {
      throw new AppError("FORBIDDEN", "only the note's author or an admin can delete it");
    }
    await tx`delete from public.incident_notes where id = ${note_id} and org_id = ${org_id}`;
    return { ok: true };
  });
}
