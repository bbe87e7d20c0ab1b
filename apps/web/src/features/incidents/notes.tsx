"use client";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { cx } from "@/components/ui/cx.ts";
import { controlClass } from "@/components/ui/field.tsx";
import { MutationNote } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { INCIDENT_NOTE_MAX_LENGTH, IncidentNote } from "@/lib/contract.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";
import { useAddIncidentNote, useDeleteIncidentNote } from "@/lib/queries.ts";

/** The API's limit (typed from the contract, so a change there fails tsc here). */
const NOTE_MAX_LENGTH: typeof INCIDENT_NOTE_MAX_LENGTH = 2000;

/**
 * A note's text exactly as written: plain text in a React text node (escaped), line breaks kept,
 * never parsed as markdown or HTML. Its author and admins may delete it.
 */
export function NoteText({ note, incidentId }: { note: IncidentNote; incidentId: string }) {
  const { orgId, role, user } = useOrg();
  const remove = useDeleteIncidentNote(orgId, incidentId);
  const canDelete = atLeast(role, "admin") || (atLeast(role, "member") && note.by?.id === user.id);
  return (
    <div className="mt-1">
      <p className="whitespace-pre-wrap break-words rounded-lg bg-gray-50 px-3 py-2 text-gray-800 text-sm dark:bg-gray-800/60 dark:text-gray-200">
        {note.text}
      </p>
      {canDelete ? (
        <div className="mt-1 flex items-center gap-2">
          <Button size="sm" variant="ghost" loading={remove.isPending} onClick={() => remove.mutate(note.id)}>
            Delete note
          </Button>
          <MutationNote error={remove.error} />
        </div>
      ) : null}
    </div>
  );
}

/** Add a note (members and up; viewers read). */
export function IncidentNoteForm({ incidentId }: { incidentId: string }) {
  const { orgId, role } = useOrg();
  const add = useAddIncidentNote(orgId, incidentId);
  const [text, setText] = useState("");
  const id = useId();
  if (!atLeast(role, "member")) {
    return <p className="mt-4 text-gray-500 text-sm dark:text-gray-400">Viewers cannot add notes.</p>;
  }
  const fieldError =
    add.error instanceof ApiError && add.error.field === "text" ? add.error.message : undefined;
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    add.mutate(text, { onSuccess: () => setText("") });
  }
  return (
    <form onSubmit={submit} className="mt-5 border-gray-100 border-t pt-4 dark:border-gray-800">
      <label htmlFor={id} className="mb-1 block font-medium text-gray-700 text-sm dark:text-gray-300">
        Add a note
      </label>
      <textarea
        id={id}
        rows={3}
        maxLength={NOTE_MAX_LENGTH}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="What you found, what you did. Plain text."
        aria-invalid={fieldError ? true : undefined}
        aria-describedby={`${id}-note`}
        className={cx(controlClass, fieldError && "border-red-500 dark:border-red-500")}
      />
      <p
        id={`${id}-note`}
        className={cx(
          "mt-1 text-sm",
          fieldError ? "text-red-600 dark:text-red-400" : "text-gray-500 dark:text-gray-400",
        )}
      >
        {fieldError ?? `${text.length} / ${NOTE_MAX_LENGTH} characters`}
      </p>
      <div className="mt-2 flex items-center gap-2">
        <Button type="submit" size="sm" loading={add.isPending} disabled={!text.trim()}>
          Add note
        </Button>
        <MutationNote error={fieldError ? undefined : add.error} />
      </div>
    </form>
  );
}
