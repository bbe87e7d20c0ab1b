"use client";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { CodeBlock } from "@/components/ui/copy-button.tsx";
import { SelectField, TextField } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import { AgentCommand } from "@/features/onboarding/install-command.tsx";
import { useAuth } from "@/lib/auth/auth-provider.tsx";
import type { CreatedApiKey } from "@/lib/contract.ts";
import { formatAgo, formatDateTime } from "@/lib/format.ts";
import { useNow } from "@/lib/hooks/use-now.ts";
import { installCommand } from "@/lib/install.ts";
import { useOrg } from "@/lib/org.tsx";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "@/lib/queries.ts";
import { Table, Td, Th, usePermission } from "./shared.tsx";

function CreateKey() {
  const { orgId } = useOrg();
  const { config } = useAuth();
  const create = useCreateApiKey(orgId);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"agent" | "read">("agent");
  const [created, setCreated] = useState<CreatedApiKey>();
  const agentUrl = config?.agentUrl ?? (typeof window === "undefined" ? "" : window.location.origin);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim() || (scope === "agent" ? "agent key" : "read key"), scope },
      {
        onSuccess: (result) => {
          setCreated(result);
          setName("");
        },
      },
    );
  }
  return (
    <Card className="mb-6">
      <CardHeader
        title="Create a key"
        description="Agent keys send data; read keys are for scripts reading the API."
      />
      <form onSubmit={submit} className="flex flex-wrap items-start gap-3">
        <TextField
          label="Name"
          value={name}
          placeholder="home lab"
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
          className="min-w-0 flex-1"
        />
        <SelectField
          label="Scope"
          value={scope}
          onChange={(e) => setScope(e.target.value as "agent" | "read")}
        >
          <option value="agent">Agent (ingest)</option>
          <option value="read">Read</option>
        </SelectField>
        <Button type="submit" className="sm:mt-6" loading={create.isPending}>
          Create key
        </Button>
      </form>
      <MutationNote error={create.error} />
      {created ? (
        <div className="mt-4 space-y-2 rounded-lg bg-blue-50 p-3 text-sm dark:bg-blue-500/10">
          <p>
            <strong>{created.api_key.name}</strong> created. Copy the key now: it is shown only once.
          </p>
          <CodeBlock text={created.key} label="API key" />
          {created.api_key.scope === "agent" ? (
            <>
              <p>Install command with this key:</p>
              <AgentCommand
                text={
                  created.install_command ||
                  installCommand(agentUrl, created.key, { filesUrl: config?.filesUrl })
                }
                label="Install command"
                agentUrl={agentUrl}
                config={config}
              />
            </>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

export function ApiKeysSettings() {
  const { orgId } = useOrg();
  const query = useApiKeys(orgId);
  const revoke = useRevokeApiKey(orgId);
  const { allowed, note } = usePermission("member");
  const [confirm, setConfirm] = useState<string>();
  const now = useNow(60_000);
  return (
    <div>
      {allowed ? <CreateKey /> : <div className="mb-6">{note}</div>}
      <Card>
        <CardHeader
          title="Keys"
          description={
            <>
              Only the prefix is kept in view; a revoked key stops working within seconds. New server?{" "}
              <Link href="/onboarding" className="text-blue-600 hover:underline dark:text-blue-400">
                Use the guided setup
              </Link>
              .
            </>
          }
        />
        {query.isPending ? (
          <LoadingState label="Loading keys" />
        ) : query.isError ? (
          <ErrorState error={query.error} retry={() => void query.refetch()} />
        ) : query.data.api_keys.length === 0 ? (
          <EmptyState title="No API keys yet">Create one above to connect your first agent.</EmptyState>
        ) : (
          <Table label="API keys">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Key</Th>
                <Th>Scope</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {query.data.api_keys.map((k) => (
                <tr key={k.id} className={k.revoked_at ? "text-gray-400" : undefined}>
                  <Td>
                    {k.name} {k.revoked_at ? <Badge tone="gray">revoked</Badge> : null}
                  </Td>
                  <Td className="font-mono text-xs">{k.prefix}…</Td>
                  <Td>{k.scope === "agent" ? "Agent" : "Read"}</Td>
                  <Td className="whitespace-nowrap">
                    <span title={formatDateTime(k.created_at)}>{formatAgo(k.created_at, now)}</span>
                    {k.created_by?.email ? (
                      <span className="block text-gray-500 text-xs">{k.created_by.email}</span>
                    ) : null}
                  </Td>
                  <Td className="whitespace-nowrap">
                    <span title={formatDateTime(k.last_used_at)}>{formatAgo(k.last_used_at, now)}</span>
                  </Td>
                  <Td className="text-right">
                    {k.revoked_at || !allowed ? null : confirm === k.id ? (
                      <span className="inline-flex gap-1">
                        <Button
                          size="sm"
                          variant="danger"
                          loading={revoke.isPending}
                          onClick={() => revoke.mutate(k.id, { onSuccess: () => setConfirm(undefined) })}
                        >
                          Revoke
                        </Button>
                        <Button size="sm" variant="ghost" onClick={() => setConfirm(undefined)}>
                          Cancel
                        </Button>
                      </span>
                    ) : (
                      <Button size="sm" variant="ghost" onClick={() => setConfirm(k.id)}>
                        Revoke…<span className="sr-only"> {k.name}</span>
                      </Button>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <MutationNote error={revoke.error} />
      </Card>
    </div>
  );
}
