"use client";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { SelectField, TextField } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import { formatDateTime } from "@/lib/format.ts";
import { useOrg } from "@/lib/org.tsx";
import {
  useCreateMaintenanceWindow,
  useDeleteMaintenanceWindow,
  useMaintenanceWindows,
  useServers,
} from "@/lib/queries.ts";
import { EditorForm, usePermission } from "./shared.tsx";

/** `<input type="datetime-local">` value (local time, minutes) for a Date. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function AddWindow({ onDone }: { onDone: () => void }) {
  const { orgId } = useOrg();
  const servers = useServers(orgId, { refetchInterval: 0 });
  const create = useCreateMaintenanceWindow(orgId);
  const [start, setStart] = useState(() => toLocalInput(new Date()));
  const [end, setEnd] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000)));
  const [serverId, setServerId] = useState("");
  const [reason, setReason] = useState("");
  const [publicTitle, setPublicTitle] = useState("");
  const error = create.error instanceof ApiError ? create.error : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      {
        starts_at: new Date(start).toISOString(),
        ends_at: new Date(end).toISOString(),
        server_id: serverId || null,
        reason: reason.trim() || null,
        public_title: publicTitle.trim() || null,
      },
      { onSuccess: onDone },
    );
  }
  return (
    <EditorForm
      onSubmit={submit}
      spaced
      submitLabel="Schedule"
      pending={create.isPending}
      onCancel={onDone}
      error={error?.field === "ends_at" || error?.field === "public_title" ? undefined : create.error}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Starts"
          type="datetime-local"
          required
          value={start}
          onChange={(e) => setStart(e.target.value)}
        />
        <TextField
          label="Ends"
          type="datetime-local"
          required
          value={end}
          onChange={(e) => setEnd(e.target.value)}
          error={error?.field === "ends_at" ? error.message : undefined}
        />
        <SelectField label="Applies to" value={serverId} onChange={(e) => setServerId(e.target.value)}>
          <option value="">The whole organization</option>
          {servers.data?.servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Reason (optional)"
          hint="For your team only: never shown on status pages."
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
        />
        <TextField
          label="Public title (shown on status pages)"
          hint={`Optional, e.g. "Database upgrade". Without one, status pages say "Scheduled maintenance".`}
          value={publicTitle}
          onChange={(e) => setPublicTitle(e.target.value)}
          maxLength={200}
          error={error?.field === "public_title" ? error.message : undefined}
        />
      </div>
    </EditorForm>
  );
}

export function MaintenanceSettings() {
  const { orgId } = useOrg();
  const query = useMaintenanceWindows(orgId);
  const servers = useServers(orgId, { refetchInterval: 0 });
  const remove = useDeleteMaintenanceWindow(orgId);
  const { allowed, note } = usePermission("member");
  const [adding, setAdding] = useState(false);
  const serverName = (id: string | null) =>
    id === null ? "Whole organization" : (servers.data?.servers.find((s) => s.id === id)?.name ?? "A server");
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
      {adding ? <AddWindow onDone={() => setAdding(false)} /> : null}
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
          {query.data.maintenance_windows.map((w) => (
            <li key={w.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
              <div>
                <p className="flex items-center gap-2 font-medium">
                  {serverName(w.server_id)}
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
                <Button
                  size="sm"
                  variant="ghost"
                  loading={remove.isPending && remove.variables === w.id}
                  onClick={() => remove.mutate(w.id)}
                >
                  {w.active ? "End now" : "Cancel window"}
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <MutationNote error={remove.error} />
    </Card>
  );
}
