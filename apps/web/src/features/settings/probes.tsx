"use client";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import type { ProbeItem } from "@/lib/contract.ts";
import { formatAgo } from "@/lib/format.ts";
import { useNow } from "@/lib/hooks/use-now.ts";
import { useOrg } from "@/lib/org.tsx";
import { useDeleteProbe, useProbes } from "@/lib/queries.ts";
import { checkStatus } from "@/lib/status.ts";
import { ProbeForm } from "./probe-form.tsx";
import { usePermission } from "./shared.tsx";

export { parseHostPort } from "./probe-form-model.ts";

function probeTarget(probe: ProbeItem): string {
  const c = probe.config;
  if (typeof c.url === "string") return c.url;
  if (typeof c.host === "string") return `${c.host}:${String(c.port ?? "?")}`;
  return probe.kind;
}

export function ProbesSettings() {
  const { orgId } = useOrg();
  const query = useProbes(orgId);
  const remove = useDeleteProbe(orgId);
  const { allowed, note } = usePermission("member");
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string>();
  const now = useNow();
  return (
    <Card>
      <CardHeader
        title="Probes"
        description="Checks Custos runs from outside your servers: is the website up, does the port answer."
        actions={allowed && !adding ? <Button onClick={() => setAdding(true)}>Add probe</Button> : undefined}
      />
      {note}
      {adding ? <ProbeForm onDone={() => setAdding(false)} /> : null}
      {query.isPending ? (
        <LoadingState label="Loading probes" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : query.data.probes.length === 0 ? (
        adding ? null : (
          <EmptyState title="No probes yet">
            Add an HTTP or TCP probe to watch a service from outside.
          </EmptyState>
        )
      ) : (
        <ul className="divide-y divide-gray-100 dark:divide-gray-800">
          {query.data.probes.map((p) => {
            const status = checkStatus(p.last_status);
            return (
              <li key={p.id} className="py-3">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div className="min-w-0">
                    <p className="flex flex-wrap items-center gap-2 font-medium">
                      <Badge tone={status.tone}>{status.label}</Badge>
                      <Link
                        href={`/monitors/detail?id=${p.id}`}
                        className="text-blue-600 hover:underline dark:text-blue-400"
                      >
                        {p.name}
                      </Link>
                      {p.enabled ? null : <Badge tone="gray">Disabled</Badge>}
                    </p>
                    <p className="truncate text-gray-500 text-sm dark:text-gray-400">
                      {probeTarget(p)} · every {p.interval_seconds} s · checked{" "}
                      {formatAgo(p.last_checked_at, now)}
                    </p>
                  </div>
                  {allowed && editing !== p.id ? (
                    <div className="flex gap-1">
                      <Button size="sm" variant="ghost" onClick={() => setEditing(p.id)}>
                        Edit<span className="sr-only"> {p.name}</span>
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        loading={remove.isPending && remove.variables === p.id}
                        onClick={() => remove.mutate(p.id)}
                      >
                        Delete<span className="sr-only"> {p.name}</span>
                      </Button>
                    </div>
                  ) : null}
                </div>
                {editing === p.id ? (
                  <div className="mt-3">
                    <ProbeForm probe={p} onDone={() => setEditing(undefined)} />
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <MutationNote error={remove.error} />
    </Card>
  );
}
