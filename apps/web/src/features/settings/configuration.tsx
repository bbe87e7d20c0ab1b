"use client";
/**
 * Settings → Configuration (decision 0037): the organization-wide defaults and each tag's entry
 * of central configuration, with the servers that carry the tag. Admins and owners edit them;
 * everyone else reads them (they hold no secrets). A server's own entry is edited on its page.
 */
import type { ConfigScopeItem } from "@custos/protocol";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { TextField } from "@/components/ui/field.tsx";
import { ErrorState, LoadingState } from "@/components/ui/states.tsx";
import { EntryEditor, monitorConfigKey } from "@/features/config/entry-editor.tsx";
import { useOrg } from "@/lib/org.tsx";
import { useServers } from "@/lib/queries.ts";
import { call } from "@/lib/routes.ts";
import { usePermission } from "./shared.tsx";

const TAG = /^[a-z0-9][a-z0-9_-]*$/;

/** Pure: every tag to show, sorted: those with an entry, those servers carry, those just added. */
export function tagsToShow(
  entries: readonly Pick<ConfigScopeItem, "scope" | "tag">[],
  serverTags: readonly (readonly string[])[],
  added: readonly string[],
): string[] {
  const all = new Set<string>(added);
  for (const e of entries) if (e.scope === "tag" && e.tag) all.add(e.tag);
  for (const tags of serverTags) for (const t of tags) all.add(t);
  return [...all].sort();
}

function ServersOfTag({ servers }: { servers: { id: string; name: string }[] }) {
  if (servers.length === 0) {
    return <p className="text-gray-500 text-sm dark:text-gray-400">No server carries this tag yet.</p>;
  }
  return (
    <ul aria-label="Servers with this tag" className="flex flex-wrap gap-2">
      {servers.map((s) => (
        <li key={s.id}>
          <Link
            href={`/servers/detail?id=${s.id}`}
            className="text-blue-700 text-sm hover:underline dark:text-blue-300"
          >
            {s.name}
          </Link>
        </li>
      ))}
    </ul>
  );
}

function AddTag({ onAdd }: { onAdd: (tag: string) => void }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  function submit(event: FormEvent) {
    event.preventDefault();
    const tag = text.trim().toLowerCase();
    if (!TAG.test(tag) || tag.length > 64) {
      setError("tag: use lower-case letters, digits, - and _ (at most 64)");
      return;
    }
    setError(undefined);
    setText("");
    onAdd(tag);
  }
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
      <TextField
        label="New tag entry"
        hint="Then give the tag to servers on their pages (Central configuration → Tags)."
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={error}
        className="min-w-56 flex-1"
      />
      <Button type="submit" variant="secondary">
        Add tag
      </Button>
    </form>
  );
}

export function ConfigurationSettings() {
  const { orgId } = useOrg();
  const { allowed, note } = usePermission("admin");
  const [added, setAdded] = useState<string[]>([]);
  const scopes = useQuery({
    queryKey: monitorConfigKey(orgId),
    queryFn: ({ signal }) => call("monitorConfig", { org_id: orgId }, { signal }),
  });
  const servers = useServers(orgId, { refetchInterval: 0 });
  const list = servers.data?.servers ?? [];
  if (scopes.error) return <ErrorState error={scopes.error} retry={() => void scopes.refetch()} />;
  if (!scopes.data) return <LoadingState label="Loading the configuration" />;

  const entries = scopes.data.entries;
  // the servers list carries each server's tags: one request for the whole fleet
  const tagsOf = list.map((s) => ({ server: s, tags: s.tags }));
  const tags = tagsToShow(
    entries,
    tagsOf.map((t) => t.tags),
    added,
  );
  const org = entries.find((e) => e.scope === "org");
  const own = entries.filter((e) => e.scope === "server");
  const nameOf = (id: string | null) => list.find((s) => s.id === id)?.name ?? "A server";

  return (
    <div className="space-y-6">
      {note}
      <Card>
        <CardHeader
          title="Organization defaults"
          description="Thresholds and monitors every server runs. A tag's entry, then a server's own, replaces an item of the same name; a monitor in the server's agent.yaml always wins."
        />
        <EntryEditor
          scope={{ scope: "org" }}
          title="Organization defaults"
          monitors={org?.monitors ?? []}
          thresholds={org?.thresholds ?? []}
          readOnly={!allowed}
          testServers={list}
        />
      </Card>
      <Card>
        <CardHeader
          title="Tags"
          description="A tag groups servers: its entry applies to every server that carries it, over the organization's defaults."
        />
        <div className="space-y-6">
          {tags.length === 0 ? (
            <p className="text-gray-500 text-sm dark:text-gray-400">No tags yet.</p>
          ) : null}
          {tags.map((tag) => {
            const entry = entries.find((e) => e.scope === "tag" && e.tag === tag);
            return (
              <section
                key={tag}
                id={`tag-${tag}`}
                aria-label={`Tag ${tag}`}
                className="space-y-3 border-gray-100 border-t pt-4 first:border-t-0 first:pt-0 dark:border-gray-800"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <h3 className="font-semibold text-gray-900 dark:text-gray-100">Tag {tag}</h3>
                  {entry ? null : <Badge tone="gray">no entry yet</Badge>}
                </div>
                <ServersOfTag servers={tagsOf.filter((t) => t.tags.includes(tag)).map((t) => t.server)} />
                <EntryEditor
                  scope={{ scope: "tag", tag }}
                  title={`Tag ${tag}`}
                  monitors={entry?.monitors ?? []}
                  thresholds={entry?.thresholds ?? []}
                  readOnly={!allowed}
                  testServers={tagsOf.filter((t) => t.tags.includes(tag)).map((t) => t.server)}
                />
              </section>
            );
          })}
          {allowed ? (
            <AddTag onAdd={(tag) => setAdded((all) => (all.includes(tag) ? all : [...all, tag]))} />
          ) : null}
        </div>
      </Card>
      {own.length > 0 ? (
        <Card>
          <CardHeader
            title="Servers with their own entry"
            description="Edited on the server's page, under Central configuration."
          />
          <ul className="space-y-1">
            {own.map((e) => (
              <li key={e.server_id}>
                <Link
                  href={`/servers/detail?id=${e.server_id}`}
                  className="text-blue-700 text-sm hover:underline dark:text-blue-300"
                >
                  {nameOf(e.server_id)}
                </Link>
                <span className="text-gray-500 text-sm dark:text-gray-400">
                  {" "}
                  · {e.thresholds.length} thresholds, {e.monitors.length} monitors
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
