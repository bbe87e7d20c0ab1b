"use client";
import { type FormEvent, useMemo, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { CodeBlock } from "@/components/ui/copy-button.tsx";
import { Checkbox, CheckboxGroup, SelectField, TextField, toggleId } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { StatusPageItem } from "@/lib/contract.ts";
import { useOrg } from "@/lib/org.tsx";
import {
  useCreateStatusPage,
  useDeleteStatusPage,
  useProbes,
  useServer,
  useServers,
  useStatusPages,
  useUpdateStatusPage,
} from "@/lib/queries.ts";
import { EditorForm, usePermission } from "./shared.tsx";

/** Pure: a slug suggestion from a title ("Acme Home Lab!" -> "acme-home-lab"). */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/g, "");
}

export function publicStatusUrl(origin: string, slug: string): string {
  return `${origin}/status?slug=${encodeURIComponent(slug)}`;
}

/**
 * Choose monitors: the organization's probes, and the monitors of any server (picked one server
 * at a time, since the API lists monitors per server).
 */
function MonitorPicker({
  selected,
  onChange,
  names,
  onNames,
}: {
  selected: string[];
  onChange: (ids: string[]) => void;
  names: Record<string, string>;
  onNames: (more: Record<string, string>) => void;
}) {
  const { orgId } = useOrg();
  const probes = useProbes(orgId);
  const servers = useServers(orgId, { refetchInterval: 0 });
  const [serverId, setServerId] = useState("");
  const server = useServer(orgId, serverId);
  const toggle = (id: string, name: string, on: boolean) => {
    onNames({ [id]: name });
    onChange(toggleId(selected, id, on));
  };
  return (
    <div className="space-y-3">
      <fieldset>
        <legend className="mb-1 font-medium text-gray-700 text-sm dark:text-gray-300">Probes</legend>
        {probes.data?.probes.length ? (
          <CheckboxGroup
            options={probes.data.probes.map((p) => ({ id: p.id, label: p.name }))}
            selected={selected}
            onToggle={(p, on) => toggle(p.id, p.label, on)}
          />
        ) : (
          <p className="text-gray-500 text-sm">{probes.isPending ? "Loading…" : "No probes."}</p>
        )}
      </fieldset>
      <SelectField
        label="Monitors of a server"
        value={serverId}
        onChange={(e) => setServerId(e.target.value)}
      >
        <option value="">Choose a server…</option>
        {servers.data?.servers.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      {serverId && server.data ? (
        server.data.monitors.length ? (
          <CheckboxGroup
            options={server.data.monitors.map((m) => ({
              id: m.id,
              label: `${m.name} (${m.type})`,
              name: `${server.data.server.name}: ${m.name}`,
            }))}
            selected={selected}
            onToggle={(m, on) => toggle(m.id, m.name, on)}
          />
        ) : (
          <p className="text-gray-500 text-sm">This server has no monitors yet.</p>
        )
      ) : null}
      {selected.length ? (
        <p className="text-gray-600 text-sm dark:text-gray-400">
          On the page, in this order:{" "}
          {selected.map((id) => names[id] ?? `monitor ${id.slice(0, 8)}`).join(", ")}
        </p>
      ) : (
        <p className="text-gray-500 text-sm">No monitors chosen yet.</p>
      )}
    </div>
  );
}

/** Choose servers: shown first on the page, up or down by their heartbeats. */
function ServerPicker({ selected, onChange }: { selected: string[]; onChange: (ids: string[]) => void }) {
  const { orgId } = useOrg();
  const servers = useServers(orgId, { refetchInterval: 0 });
  return (
    <fieldset>
      <legend className="mb-1 font-medium text-gray-700 text-sm dark:text-gray-300">Servers</legend>
      {servers.data?.servers.length ? (
        <CheckboxGroup
          options={servers.data.servers.map((s) => ({ id: s.id, label: s.name }))}
          selected={selected}
          onToggle={(s, on) => onChange(toggleId(selected, s.id, on))}
        />
      ) : (
        <p className="text-gray-500 text-sm">{servers.isPending ? "Loading…" : "No servers."}</p>
      )}
    </fieldset>
  );
}

function PageEditor({ page, onDone }: { page?: StatusPageItem; onDone: () => void }) {
  const { orgId } = useOrg();
  const create = useCreateStatusPage(orgId);
  const update = useUpdateStatusPage(orgId);
  const mutation = page ? update : create;
  const [title, setTitle] = useState(page?.title ?? "");
  const [slug, setSlug] = useState(page?.slug ?? "");
  const [slugTouched, setSlugTouched] = useState(page !== undefined);
  const [monitorIds, setMonitorIds] = useState<string[]>(page?.monitor_ids ?? []);
  const [serverIds, setServerIds] = useState<string[]>(page?.server_ids ?? []);
  const [names, setNames] = useState<Record<string, string>>({});
  const [enabled, setEnabled] = useState(page?.enabled ?? true);
  const error = mutation.error instanceof ApiError ? mutation.error : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = {
      title: title.trim(),
      slug: slug.trim(),
      monitor_ids: monitorIds,
      server_ids: serverIds,
      enabled,
    };
    if (page) update.mutate({ id: page.id, body }, { onSuccess: onDone });
    else create.mutate(body, { onSuccess: onDone });
  }
  return (
    <EditorForm
      onSubmit={submit}
      spaced
      submitLabel={page ? "Save page" : "Create page"}
      pending={mutation.isPending}
      submitDisabled={!title.trim() || !slug.trim()}
      onCancel={onDone}
      error={error?.field || error?.status === 409 ? undefined : mutation.error}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Title"
          required
          value={title}
          placeholder="Acme status"
          maxLength={200}
          onChange={(e) => {
            setTitle(e.target.value);
            if (!slugTouched) setSlug(slugify(e.target.value));
          }}
          error={error?.field === "title" ? error.message : undefined}
        />
        <TextField
          label="Address"
          required
          value={slug}
          pattern="[a-z0-9][a-z0-9\-]{1,62}[a-z0-9]"
          hint="3–64 lower-case letters, digits and dashes."
          onChange={(e) => {
            setSlugTouched(true);
            setSlug(e.target.value.toLowerCase());
          }}
          error={
            error?.field === "slug" || error?.status === 409
              ? error.status === 409
                ? "That address is taken."
                : error.message
              : undefined
          }
        />
      </div>
      <ServerPicker selected={serverIds} onChange={setServerIds} />
      <MonitorPicker
        selected={monitorIds}
        onChange={setMonitorIds}
        names={names}
        onNames={(more) => setNames((n) => ({ ...n, ...more }))}
      />
      <Checkbox
        label="Published (anyone with the link can see it)"
        checked={enabled}
        onChange={(e) => setEnabled(e.target.checked)}
      />
    </EditorForm>
  );
}

export function StatusPagesSettings() {
  const { orgId } = useOrg();
  const query = useStatusPages(orgId);
  const remove = useDeleteStatusPage(orgId);
  const { allowed, note } = usePermission("admin");
  const [editing, setEditing] = useState<string | "new">();
  const origin = useMemo(() => (typeof window === "undefined" ? "" : window.location.origin), []);
  return (
    <Card>
      <CardHeader
        title="Status pages"
        description="A public page with the servers and monitors you choose and their 90-day uptime, counted from their incidents. No sign-in needed to view it."
        actions={
          allowed && editing === undefined ? (
            <Button onClick={() => setEditing("new")}>New status page</Button>
          ) : undefined
        }
      />
      {note}
      {editing === "new" ? <PageEditor onDone={() => setEditing(undefined)} /> : null}
      {query.isPending ? (
        <LoadingState label="Loading status pages" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : query.data.status_pages.length === 0 ? (
        editing ? null : (
          <EmptyState title="No status page yet">Create one to tell your users what is up.</EmptyState>
        )
      ) : (
        <ul className="divide-y divide-gray-100 dark:divide-gray-800">
          {query.data.status_pages.map((page) =>
            editing === page.id ? (
              <li key={page.id} className="py-3">
                <PageEditor page={page} onDone={() => setEditing(undefined)} />
              </li>
            ) : (
              <li key={page.id} className="space-y-2 py-3">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <p className="flex items-center gap-2 font-medium">
                    {page.title}
                    {page.enabled ? <Badge tone="green">Published</Badge> : <Badge tone="gray">Hidden</Badge>}
                    <span className="text-gray-500 text-sm">
                      {page.server_ids.length} server{page.server_ids.length === 1 ? "" : "s"},{" "}
                      {page.monitor_ids.length} monitor{page.monitor_ids.length === 1 ? "" : "s"}
                    </span>
                  </p>
                  <div className="flex gap-1">
                    <a
                      href={publicStatusUrl("", page.slug)}
                      target="_blank"
                      rel="noreferrer"
                      className="rounded-lg px-2.5 py-1.5 text-blue-600 text-sm hover:underline dark:text-blue-400"
                    >
                      View
                    </a>
                    {allowed ? (
                      <>
                        <Button size="sm" variant="secondary" onClick={() => setEditing(page.id)}>
                          Edit
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          loading={remove.isPending && remove.variables === page.id}
                          onClick={() => remove.mutate(page.id)}
                        >
                          Delete
                        </Button>
                      </>
                    ) : null}
                  </div>
                </div>
                <CodeBlock
                  text={publicStatusUrl(origin, page.slug)}
                  label={`Public address of ${page.title}`}
                />
              </li>
            ),
          )}
        </ul>
      )}
      <MutationNote error={remove.error} />
    </Card>
  );
}
