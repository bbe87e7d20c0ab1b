"use client";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { SelectField, TextField } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { MaintenanceWindowItem } from "@/lib/contract.ts";
import { formatDateTime } from "@/lib/format.ts";
import { useOrg } from "@/lib/org.tsx";
import {
  useCreateMaintenanceWindow,
  useDeleteMaintenanceWindow,
  useMaintenanceWindows,
  useServers,
  useUpdateMaintenanceWindow,
} from "@/lib/queries.ts";
import { EditorForm, usePermission } from "./shared.tsx";

/** `<input type="datetime-local">` value (local time, minutes) for a Date. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** What the form holds: the times as `datetime-local` values, the texts as typed. */
interface WindowFields {
  start: string;
  end: string;
  reason: string;
  publicTitle: string;
}

function fieldsOf(w: MaintenanceWindowItem | undefined): WindowFields {
  if (!w) {
    return {
      start: toLocalInput(new Date()),
      end: toLocalInput(new Date(Date.now() + 3_600_000)),
      reason: "",
      publicTitle: "",
    };
  }
  return {
    start: toLocalInput(new Date(w.starts_at)),
    end: toLocalInput(new Date(w.ends_at)),
    reason: w.reason ?? "",
    publicTitle: w.public_title ?? "",
  };
}

/** A typed text as the API stores it: trimmed, and null when nothing is left. */
const textOrNull = (value: string) => value.trim() || null;

/**
 * Pure: what an edit sends, only the fields changed. A time left as shown is not sent, because the
 * form shows minutes and the window may have been set to the second through the API.
 */
export function windowChanges(before: WindowFields, after: WindowFields) {
  return {
    ...(after.start !== before.start ? { starts_at: new Date(after.start).toISOString() } : {}),
    ...(after.end !== before.end ? { ends_at: new Date(after.end).toISOString() } : {}),
    ...(textOrNull(after.reason) !== textOrNull(before.reason) ? { reason: textOrNull(after.reason) } : {}),
    ...(textOrNull(after.publicTitle) !== textOrNull(before.publicTitle)
      ? { public_title: textOrNull(after.publicTitle) }
      : {}),
  };
}

/** Schedules a window, or edits `existing` (its times and texts; its scope stays). */
function WindowForm({ existing, onDone }: { existing?: MaintenanceWindowItem; onDone: () => void }) {
  const { orgId } = useOrg();
  const servers = useServers(orgId, { refetchInterval: 0 });
  const create = useCreateMaintenanceWindow(orgId);
  const update = useUpdateMaintenanceWindow(orgId);
  const mutation = existing ? update : create;
  const [initial] = useState(() => fieldsOf(existing));
  const [fields, setFields] = useState(initial);
  const set = (name: keyof WindowFields) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: e.target.value }));
  const { start, end, reason, publicTitle } = fields;
  const [serverId, setServerId] = useState("");
  const error = mutation.error instanceof ApiError ? mutation.error : undefined;
  const changes = existing ? windowChanges(initial, fields) : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (existing) {
      update.mutate({ id: existing.id, changes: changes ?? {} }, { onSuccess: onDone });
      return;
    }
    create.mutate(
      {
        starts_at: new Date(start).toISOString(),
        ends_at: new Date(end).toISOString(),
        server_id: serverId || null,
        reason: textOrNull(reason),
        public_title: textOrNull(publicTitle),
      },
      { onSuccess: onDone },
    );
  }
  return (
    <EditorForm
      onSubmit={submit}
      spaced
      submitLabel={existing ? "Save window" : "Schedule"}
      pending={mutation.isPending}
      submitDisabled={changes !== undefined && Object.keys(changes).length === 0}
      onCancel={onDone}
      error={error?.field === "ends_at" || error?.field === "public_title" ? undefined : mutation.error}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Starts" type="datetime-local" required value={start} onChange={set("start")} />
        <TextField
          label="Ends"
          type="datetime-local"
          required
          value={end}
          onChange={set("end")}
          error={error?.field === "ends_at" ? error.message : undefined}
        />
        {existing ? (
          <TextField
            label="Applies to"
            value={scopeName(existing, servers.data?.servers)}
            readOnly
            hint="To cover something else, cancel this window and schedule another."
          />
        ) : (
          <SelectField label="Applies to" value={serverId} onChange={(e) => setServerId(e.target.value)}>
            <option value="">The whole organization</option>
            {servers.data?.servers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        )}
        <TextField
          label="Reason (optional)"
          hint="For your team only: never shown on status pages."
          value={reason}
          onChange={set("reason")}
          maxLength={500}
        />
        <TextField
          label="Public title (shown on status pages)"
          hint={`Optional, e.g. "Database upgrade". Without one, status pages say "Scheduled maintenance".`}
          value={publicTitle}
          onChange={set("publicTitle")}
          maxLength={200}
          error={error?.field === "public_title" ? error.message : undefined}
        />
      </div>
    </EditorForm>
  );
}

/** What the window covers, for the list and the edit form (a monitor's window is made through the API). */
export function scopeName(
  w: Pick<MaintenanceWindowItem, "server_id" | "monitor_id">,
  servers: readonly { id: string; name: string }[] | undefined,
): string {
  if (w.monitor_id !== null) return "One monitor";
  if (w.server_id === null) return "Whole organization";
  return servers?.find((s) => s.id === w.server_id)?.name ?? "A server";
}

export function MaintenanceSettings() {
  const { orgId } = useOrg();
  const query = useMaintenanceWindows(orgId);
  const servers = useServers(orgId, { refetchInterval: 0 });
  const remove = useDeleteMaintenanceWindow(orgId);
  const { allowed, note } = usePermission("member");
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Card>
      <CardHeader
        title="Maintenance windows"
        description="No notifications during a window; incidents are still recorded."
        actions={
          allowed && !adding ? <Button onClick={() => setAdding(true)}>Schedule window</Button> : undefined
        }
      />
      {note}
      {adding ? <WindowForm onDone={() => setAdding(false)} /> : null}
      {query.isPending ? (
        <LoadingState label="Loading maintenance windows" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : query.data.maintenance_windows.length === 0 ? (
        adding ? null : (
          <EmptyState title="No upcoming maintenance">Schedule a window before planned work.</EmptyState>
        )
      ) : (
        <ul className="divide-y divide-gray-100 dark:divide-gray-800">
          {query.data.maintenance_windows.map((w) =>
            editing === w.id ? (
              <li key={w.id} className="py-3">
                <WindowForm existing={w} onDone={() => setEditing(null)} />
              </li>
            ) : (
              <li key={w.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div>
                  <p className="flex items-center gap-2 font-medium">
                    {scopeName(w, servers.data?.servers)}
                    {w.active ? <Badge tone="blue">Active now</Badge> : null}
                  </p>
                  <p className="text-gray-500 text-sm dark:text-gray-400">
                    {formatDateTime(w.starts_at)} – {formatDateTime(w.ends_at)}
                    {w.reason ? ` · ${w.reason}` : ""}
                  </p>
                  {w.public_title ? (
                    <p className="text-gray-500 text-sm dark:text-gray-400">Public title: {w.public_title}</p>
                  ) : null}
                </div>
                {allowed ? (
                  <div className="flex gap-1">
                    <Button size="sm" variant="ghost" onClick={() => setEditing(w.id)}>
                      Edit
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      loading={remove.isPending && remove.variables === w.id}
                      onClick={() => remove.mutate(w.id)}
                    >
                      {w.active ? "End now" : "Cancel window"}
                    </Button>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ul>
      )}
      <MutationNote error={remove.error} />
    </Card>
  );
}
