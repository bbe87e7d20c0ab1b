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
import type { ApiKeyItem, CreatedApiKey } from "@/lib/contract.ts";
import { formatAgo, formatDateTime } from "@/lib/format.ts";
import { useNow } from "@/lib/hooks/use-now.ts";
import { installCommand } from "@/lib/install.ts";
import { useOrg } from "@/lib/org.tsx";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "@/lib/queries.ts";
import { ServerRoomNote } from "./plan.tsx";
import { Table, Td, usePermission } from "./shared.tsx";

type ServerLimit = "any" | "one" | "up-to";

const SERVER_LIMIT_HINTS: Record<ServerLimit, string> = {
  any: "Every server installed with it; revoking it stops them all.",
  one: "Only the first server that registers; revoking it stops that server alone.",
  "up-to": "Refuses more servers once this many use it.",
};

function maxServersOf(limit: ServerLimit, upTo: string): number | null {
  if (limit === "one") return 1;
  if (limit === "any") return null;
  return Number(upTo);
}

/** "db-1, db-2 and 3 more": the servers a key is used by, as the list carries them. */
function serversText(servers: ApiKeyItem["servers"]): string {
  if (servers.count === 0) return "no server";
  const more = servers.count - servers.names.length;
  return more > 0 ? `${servers.names.join(", ")} and ${more} more` : servers.names.join(", ");
}

/** The key's limits in a few words, or nothing for a plain fleet key. */
function limitsText(key: ApiKeyItem): string | null {
  const parts: string[] = [];
  if (key.max_servers === 1) parts.push("one server's own key");
  else if (key.max_servers !== null) parts.push(`up to ${key.max_servers} servers`);
  if (key.enroll_until) parts.push(`new servers until ${formatDateTime(key.enroll_until)}`);
  return parts.length > 0 ? parts.join(" · ") : null;
}

/** The key's limits under its scope, or nothing for a plain fleet key. */
function KeyLimits({ apiKey }: { apiKey: ApiKeyItem }) {
  const text = limitsText(apiKey);
  return text ? <span className="block text-gray-500 text-xs">{text}</span> : null;
}

function CreateKey() {
  const { orgId } = useOrg();
  const { config } = useAuth();
  const create = useCreateApiKey(orgId);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"agent" | "read">("agent");
  const [servers, setServers] = useState<ServerLimit>("any");
  const [maxServers, setMaxServers] = useState("10");
  const [enrollUntil, setEnrollUntil] = useState("");
  const [created, setCreated] = useState<CreatedApiKey>();
  const agentUrl = config?.agentUrl ?? (typeof window === "undefined" ? "" : window.location.origin);

  function submit(event: FormEvent) {
    event.preventDefault();
    const agent = scope === "agent";
    create.mutate(
      {
        name: name.trim() || (agent ? "agent key" : "read key"),
        scope,
        max_servers: agent ? maxServersOf(servers, maxServers) : null,
        // a date input means the end of that day where the person is
        enroll_until: agent && enrollUntil ? new Date(`${enrollUntil}T23:59:59`).toISOString() : null,
      },
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
      <ServerRoomNote />
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
        {scope === "agent" ? (
          <div className="flex w-full flex-wrap items-start gap-3">
            <SelectField
              label="Servers"
              value={servers}
              onChange={(e) => setServers(e.target.value as ServerLimit)}
              hint={SERVER_LIMIT_HINTS[servers]}
            >
              <option value="any">Any number (a fleet key)</option>
              <option value="one">One server (its own key)</option>
              <option value="up-to">Up to…</option>
            </SelectField>
            {servers === "up-to" ? (
              <TextField
                label="Most servers"
                type="number"
                min={2}
                max={100000}
                value={maxServers}
                onChange={(e) => setMaxServers(e.target.value)}
                className="w-32"
              />
            ) : null}
            <TextField
              label="Registers new servers until"
              type="date"
              value={enrollUntil}
              onChange={(e) => setEnrollUntil(e.target.value)}
              hint="Optional. Servers already using the key keep working after it."
            />
          </div>
        ) : null}
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
          <Table label="API keys" columns={["Name", "Key", "Scope", "Used by", "Created", "Last used"]}>
            <tbody>
              {query.data.api_keys.map((k) => (
                <tr key={k.id} className={k.revoked_at ? "text-gray-400" : undefined}>
                  <Td>
                    {k.name} {k.revoked_at ? <Badge tone="gray">revoked</Badge> : null}
                  </Td>
                  <Td className="font-mono text-xs">{k.prefix}…</Td>
                  <Td>
                    {k.scope === "agent" ? "Agent" : "Read"}
                    <KeyLimits apiKey={k} />
                  </Td>
                  <Td>{k.scope === "agent" ? serversText(k.servers) : "—"}</Td>
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
                      <span className="inline-flex flex-wrap items-center justify-end gap-1">
                        {k.servers.count > 0 ? (
                          <span role="alert" className="text-red-700 text-xs dark:text-red-400">
                            {k.servers.count === 1 ? "1 server uses" : `${k.servers.count} servers use`} this
                            key ({serversText(k.servers)}): {k.servers.count === 1 ? "it stops" : "they stop"}{" "}
                            sending data.
                          </span>
                        ) : null}
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
