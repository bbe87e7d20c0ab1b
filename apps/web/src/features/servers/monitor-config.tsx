"use client";
/**
 * A server's central configuration (decision 0037): what it runs (merged from the organization,
 * its tags and its own entry), whether its agent applied it or refused it and why, which
 * monitors agent.yaml keeps local, and for admins its tags and its own entry.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { TextField } from "@/components/ui/field.tsx";
import { ErrorNote, MutationNote, StatusNote } from "@/components/ui/states.tsx";
import { EntryEditor, monitorConfigKey } from "@/features/config/entry-editor.tsx";
import { ApiError } from "@/lib/api.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";
import { LIVE_MS } from "@/lib/queries.ts";
import { type BodyOf, call, type ResponseOf } from "@/lib/routes.ts";

type ServerConfigView = ResponseOf<"serverMonitorConfig">;

const configKey = (orgId: string, serverId: string) => ["org", orgId, "monitor-config", serverId] as const;
const scopesKey = monitorConfigKey;

/** Pure: a version as people compare it (the first 12 hex digits). */
export function shortVersion(version: string | null | undefined): string {
  return version ? version.slice(0, 12) : "none";
}

/** Pure: the scope an effective item comes from, in words ("org", "tag:web", "server"). */
export function sourceText(source: string): string {
  if (source === "org") return "organization";
  if (source === "server") return "this server";
  return source.startsWith("tag:") ? `tag ${source.slice(4)}` : source;
}

/** Pure: the bounds of a threshold in words ("crit above 90, for 5m"). */
export function thresholdText(t: ServerConfigView["thresholds"][number]["threshold"]): string {
  const parts = [
    t.warn_above !== undefined ? `warn above ${t.warn_above}` : "",
    t.crit_above !== undefined ? `crit above ${t.crit_above}` : "",
    t.warn_below !== undefined ? `warn below ${t.warn_below}` : "",
    t.crit_below !== undefined ? `crit below ${t.crit_below}` : "",
    t.missing_after !== undefined ? `missing after ${t.missing_after}` : "",
    t.for !== undefined ? `for ${t.for}` : "",
  ];
  return parts.filter(Boolean).join(", ");
}

function SyncNote({ view }: { view: ServerConfigView }) {
  const agent = view.agent;
  if (!agent) {
    return (
      <StatusNote>
        The agent has not reported a configuration yet (agents older than central configuration never do).
      </StatusNote>
    );
  }
  return (
    <div className="space-y-2">
      {view.in_sync ? (
        <StatusNote>The agent runs this configuration (version {shortVersion(view.version)}).</StatusNote>
      ) : (
        <StatusNote>
          The agent runs version {shortVersion(agent.applied_version)}; version {shortVersion(view.version)}{" "}
          is applied with its next heartbeat.
        </StatusNote>
      )}
      {agent.refused_reason ? (
        <ErrorNote>
          The agent refused version {shortVersion(agent.refused_version)}: {agent.refused_reason}
        </ErrorNote>
      ) : null}
    </div>
  );
}

function Effective({ view }: { view: ServerConfigView }) {
  const local = new Set(view.agent?.local_monitors ?? []);
  if (view.monitors.length === 0 && view.thresholds.length === 0) {
    return (
      <p className="text-gray-500 text-sm dark:text-gray-400">
        Nothing is configured centrally for this server: it runs what its agent.yaml defines.
      </p>
    );
  }
  return (
    <div className="space-y-3">
      {view.monitors.length > 0 ? (
        <ul aria-label="Central monitors" className="divide-y divide-gray-100 dark:divide-gray-800">
          {view.monitors.map(({ source, monitor }) => (
            <li key={monitor.name} className="flex flex-wrap items-center gap-2 py-2 text-sm">
              <span className="font-medium">{monitor.name}</span>
              <span className="text-gray-500 dark:text-gray-400">
                {monitor.type}
                {monitor.check_interval !== undefined ? ` · every ${monitor.check_interval}` : ""}
                {monitor.enabled === false ? " · disabled" : ""}
              </span>
              <Badge tone="gray">from {sourceText(source)}</Badge>
              {local.has(monitor.name) ? <Badge tone="amber">local: agent.yaml wins</Badge> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {view.thresholds.length > 0 ? (
        <ul aria-label="Central thresholds" className="divide-y divide-gray-100 dark:divide-gray-800">
          {view.thresholds.map(({ source, threshold }) => (
            <li
              key={threshold.name ?? threshold.metric}
              className="flex flex-wrap items-center gap-2 py-2 text-sm"
            >
              <span className="font-medium font-mono">{threshold.name ?? threshold.metric}</span>
              <span className="text-gray-500 dark:text-gray-400">{thresholdText(threshold)}</span>
              <Badge tone="gray">from {sourceText(source)}</Badge>
            </li>
          ))}
        </ul>
      ) : null}
      {local.size > 0 ? (
        <p className="text-gray-500 text-xs dark:text-gray-400">
          Local monitors (agent.yaml): {[...local].join(", ")}
        </p>
      ) : null}
    </div>
  );
}

function TagsForm({ serverId, tags }: { serverId: string; tags: readonly string[] }) {
  const { orgId } = useOrg();
  const client = useQueryClient();
  const [text, setText] = useState(tags.join(", "));
  const save = useMutation({
    mutationFn: (body: BodyOf<"putServerTags">) =>
      call("putServerTags", { org_id: orgId, server_id: serverId }, { body }),
    onSettled: () => client.invalidateQueries({ queryKey: scopesKey(orgId) }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const list = text
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    save.mutate({ tags: list });
  }
  const fieldError =
    save.error instanceof ApiError && save.error.field?.startsWith("tags") ? save.error.message : undefined;
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
      <TextField
        label="Tags"
        hint="Comma-separated; the configuration of each tag applies to this server."
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={fieldError}
        className="min-w-64 flex-1"
      />
      <Button type="submit" variant="secondary" loading={save.isPending}>
        Save tags
      </Button>
      <MutationNote
        error={fieldError ? undefined : save.error}
        success={save.isSuccess ? "Tags saved." : undefined}
      />
    </form>
  );
}

export function MonitorConfigSection({ serverId }: { serverId: string }) {
  const { orgId, role } = useOrg();
  const view = useQuery({
    queryKey: configKey(orgId, serverId),
    queryFn: ({ signal }) => call("serverMonitorConfig", { org_id: orgId, server_id: serverId }, { signal }),
    refetchInterval: LIVE_MS,
  });
  const admin = atLeast(role, "admin");
  const scopes = useQuery({
    queryKey: scopesKey(orgId),
    queryFn: ({ signal }) => call("monitorConfig", { org_id: orgId }, { signal }),
    enabled: admin,
  });
  const own = scopes.data?.entries.find((e) => e.scope === "server" && e.server_id === serverId);
  return (
    <Card className="mt-6">
      <CardHeader
        title="Central configuration"
        description="Monitors and thresholds set in Custos for the organization, this server's tags and this server, merged by name. Monitors in the agent's agent.yaml win and stay local."
      />
      {view.error ? <ErrorNote>Could not load the configuration.</ErrorNote> : null}
      {view.data ? (
        <div className="space-y-4">
          <SyncNote view={view.data} />
          <Effective view={view.data} />
          {admin ? (
            <div className="space-y-4 border-gray-100 border-t pt-4 dark:border-gray-800">
              <TagsForm key={serverId} serverId={serverId} tags={view.data.tags} />
              {scopes.data ? (
                <div className="space-y-2">
                  <h3 className="font-medium text-gray-900 text-sm dark:text-gray-100">
                    This server's own entry
                  </h3>
                  <p className="text-gray-500 text-sm dark:text-gray-400">
                    It replaces the organization's and the tags' items of the same name (
                    <Link
                      href="/settings/configuration"
                      className="text-blue-700 hover:underline dark:text-blue-300"
                    >
                      Settings → Configuration
                    </Link>
                    ).
                  </p>
                  <EntryEditor
                    key={serverId}
                    scope={{ scope: "server", server_id: serverId }}
                    title="This server's own entry"
                    monitors={own?.monitors ?? []}
                    thresholds={own?.thresholds ?? []}
                    readOnly={false}
                    testServers={[{ id: serverId, name: "this server" }]}
                  />
                </div>
              ) : null}
            </div>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
