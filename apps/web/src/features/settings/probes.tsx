"use client";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { SelectField, TextField } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { ProbeConfigInput, ProbeItem } from "@/lib/contract.ts";
import { formatAgo } from "@/lib/format.ts";
import { useNow } from "@/lib/hooks/use-now.ts";
import { useOrg } from "@/lib/org.tsx";
import { useCreateProbe, useDeleteProbe, useProbes } from "@/lib/queries.ts";
import { checkStatus } from "@/lib/status.ts";
import { EditorForm, usePermission } from "./shared.tsx";

/** Pure: "host:port" -> { host, port } (IPv6 in brackets), or undefined. */
export function parseHostPort(value: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : undefined;
}

function probeTarget(probe: ProbeItem): string {
  const c = probe.config;
  if (typeof c.url === "string") return c.url;
  if (typeof c.host === "string") return `${c.host}:${String(c.port ?? "?")}`;
  return probe.kind;
}

function AddProbe({ onDone }: { onDone: () => void }) {
  const { orgId } = useOrg();
  const create = useCreateProbe(orgId);
  const [kind, setKind] = useState<"http" | "tcp">("http");
  const [name, setName] = useState("");
  const [target, setTarget] = useState("");
  const [interval, setIntervalValue] = useState("60");
  const [localError, setLocalError] = useState<string>();
  const error = create.error instanceof ApiError ? create.error : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    setLocalError(undefined);
    let config: ProbeConfigInput;
    if (kind === "http") config = { kind, url: target.trim() };
    else {
      const hp = parseHostPort(target);
      if (!hp) {
        setLocalError("Use host:port, e.g. db.example.com:5432");
        return;
      }
      config = { kind, ...hp };
    }
    create.mutate(
      { name: name.trim() || target.trim(), interval_seconds: Number(interval), config },
      { onSuccess: onDone },
    );
  }
  return (
    <EditorForm
      onSubmit={submit}
      spaced
      submitLabel="Add probe"
      pending={create.isPending}
      onCancel={onDone}
      error={error?.field ? undefined : create.error}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as "http" | "tcp")}>
          <option value="http">HTTP(S): status, keyword, TLS expiry</option>
          <option value="tcp">TCP: port answers</option>
        </SelectField>
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Website"
          maxLength={200}
        />
        <TextField
          label={kind === "http" ? "URL" : "Host and port"}
          required
          type={kind === "http" ? "url" : "text"}
          placeholder={kind === "http" ? "https://example.com/health" : "db.example.com:5432"}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          error={localError ?? (error?.field?.startsWith("config") ? error.message : undefined)}
        />
        <TextField
          label="Every (seconds)"
          type="number"
          min={10}
          max={86400}
          value={interval}
          onChange={(e) => setIntervalValue(e.target.value)}
          error={error?.field === "interval_seconds" ? error.message : undefined}
        />
      </div>
    </EditorForm>
  );
}

export function ProbesSettings() {
  const { orgId } = useOrg();
  const query = useProbes(orgId);
  const remove = useDeleteProbe(orgId);
  const { allowed, note } = usePermission("member");
  const [adding, setAdding] = useState(false);
  const now = useNow();
  return (
    <Card>
      <CardHeader
        title="Probes"
        description="Checks Custos runs from outside your servers: is the website up, does the port answer."
        actions={allowed && !adding ? <Button onClick={() => setAdding(true)}>Add probe</Button> : undefined}
      />
      {note}
      {adding ? <AddProbe onDone={() => setAdding(false)} /> : null}
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
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div className="min-w-0">
                  <p className="flex flex-wrap items-center gap-2 font-medium">
                    <Badge tone={status.tone}>{status.label}</Badge>
                    {p.name}
                    {p.enabled ? null : <Badge tone="gray">Disabled</Badge>}
                  </p>
                  <p className="truncate text-gray-500 text-sm dark:text-gray-400">
                    {probeTarget(p)} · every {p.interval_seconds} s · checked{" "}
                    {formatAgo(p.last_checked_at, now)}
                  </p>
                </div>
                {allowed ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    loading={remove.isPending && remove.variables === p.id}
                    onClick={() => remove.mutate(p.id)}
                  >
                    Delete<span className="sr-only"> {p.name}</span>
                  </Button>
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
