import { CreateIncidentNoteRequest, type IncidentNote } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectNotes } from "./notes.ts";
import { assertIncidentVisible } from "./view.ts";

export const AddIncidentNoteInput = z.strictObject({
  org_id: z.uuid(),
  incident_id: z.uuid(),
  note: CreateIncidentNoteRequest,
});
export type AddIncidentNoteInput = z.input<typeof AddIncidentNoteInput>;

/**
 * A member (not a viewer) adds a plain-text note to an incident, open or resolved, in their own
 * name (the policy refuses any other author). Another organization's incident is 404.
 */
export async function addIncidentNote({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: AddIncidentNoteInput;
}): Promise<IncidentNote> {
  const { org_id, incident_id, note } = parseInput(AddIncidentNoteInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    await assertIncidentVisible(tx, org_id, incident_id);
    const [row] = await tx<{ id: string }[]>`
      insert into public.incident_notes (org_id, incident_id, author_id, body)
      values (${org_id}, ${incident_id}, (select auth.uid()), ${note.text})
      returning id`;
    const [created] = await selectNotes(tx, org_id, incident_id, row?.id);
    return created as IncidentNote;
  });
}
