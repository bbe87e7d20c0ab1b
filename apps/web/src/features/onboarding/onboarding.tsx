"use client";
import Link from "next/link";
import { type FormEvent, useMemo, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button, buttonClass, Spinner } from "@/components/ui/button.tsx";
import { Card } from "@/components/ui/card.tsx";
import { CodeBlock } from "@/components/ui/copy-button.tsx";
import { cx } from "@/components/ui/cx.ts";
import { TextField } from "@/components/ui/field.tsx";
import { MutationNote } from "@/components/ui/states.tsx";
import { ServerRoomNote } from "@/features/settings/plan.tsx";
import { useAuth } from "@/lib/auth/auth-provider.tsx";
import type { CreatedApiKey, ServerOverviewItem } from "@/lib/contract.ts";
import { installCommand, registerCommand } from "@/lib/install.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";
import { useApproveServer, useCreateApiKey, useServers } from "@/lib/queries.ts";
import { SERVER_STATE } from "@/lib/status.ts";
import { AgentCommand } from "./install-command.tsx";

function Step({
  n,
  title,
  done,
  active,
  children,
}: {
  n: number;
  title: string;
  done: boolean;
  active: boolean;
  children: React.ReactNode;
}) {
  return (
    <li className="relative pl-10">
      <span
        aria-hidden="true"
        className={cx(
          "absolute top-0 left-0 flex size-7 items-center justify-center rounded-full font-semibold text-sm",
          done
            ? "bg-emerald-600 text-white"
            : active
              ? "bg-blue-600 text-white"
              : "bg-gray-200 text-gray-600 dark:bg-gray-800 dark:text-gray-400",
        )}
      >
        {done ? "✓" : n}
      </span>
      <h2 className={cx("font-semibold", !active && !done && "text-gray-500")}>
        {title}
        {done ? <span className="sr-only"> (done)</span> : null}
      </h2>
      <div className="mt-2">{children}</div>
    </li>
  );
}

/** Waits for a server that was not there when the key was made; polls every 3 s. */
function WaitForServer({ known }: { known: ReadonlySet<string> }) {
  const { orgId, role } = useOrg();
  const query = useServers(orgId, { refetchInterval: 3_000 });
  const approve = useApproveServer(orgId);
  const arrived: ServerOverviewItem | undefined = useMemo(
    () => query.data?.servers.find((s) => !known.has(s.id)),
    [query.data, known],
  );
  if (!arrived) {
    return (
      <div
        role="status"
        aria-live="polite"
        className="flex items-center gap-3 rounded-lg bg-gray-50 p-4 text-sm dark:bg-gray-950"
      >
        <Spinner className="text-blue-600" />
        <span>
          Waiting for the first heartbeat… Run the command on your server; it appears here within a minute.
          {query.isError ? " (Could not check just now; retrying.)" : ""}
        </span>
      </div>
    );
  }
  const state = SERVER_STATE[arrived.status];
  return (
    <div
      role="status"
      aria-live="polite"
      className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950/30"
    >
      <p className="flex flex-wrap items-center gap-2 font-medium text-emerald-900 dark:text-emerald-200">
        <span>{arrived.name} is connected</span>
        <Badge tone={state.tone}>{state.label}</Badge>
      </p>
      <p className="mt-1 text-emerald-900/80 text-sm dark:text-emerald-200/80">
        {arrived.hostname}
        {arrived.agent_version ? ` · agent ${arrived.agent_version}` : ""}
        {arrived.status === "pending" ? " · waiting for approval before its data is accepted" : ""}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        {arrived.status === "pending" && atLeast(role, "admin") ? (
          <Button loading={approve.isPending} onClick={() => approve.mutate(arrived.id)}>
            Approve {arrived.name}
          </Button>
        ) : null}
        <Link href={`/servers/detail?id=${arrived.id}`} className={buttonClass("primary")}>
          Open {arrived.name}
        </Link>
        <Link href="/servers" className={buttonClass("secondary")}>
          All servers
        </Link>
      </div>
      <MutationNote error={approve.error} />
    </div>
  );
}

export function Onboarding() {
  const { orgId, orgName, role } = useOrg();
  const { config } = useAuth();
  const servers = useServers(orgId);
  const create = useCreateApiKey(orgId);
  const [name, setName] = useState("agent key");
  const [created, setCreated] = useState<CreatedApiKey>();
  const known = useRef<Set<string>>(new Set());
  const canCreate = atLeast(role, "member");

  function submit(event: FormEvent) {
    event.preventDefault();
    // servers that exist now are not "the new one"
    known.current = new Set(servers.data?.servers.map((s) => s.id) ?? []);
    create.mutate({ name: name.trim() || "agent key", scope: "agent" }, { onSuccess: setCreated });
  }

  const agentUrl = config?.agentUrl ?? (typeof window === "undefined" ? "" : window.location.origin);
  const command = created
    ? created.install_command || installCommand(agentUrl, created.key, { filesUrl: config?.filesUrl })
    : "";

  return (
    <Card className="max-w-3xl">
      <ServerRoomNote />
      <ol className="space-y-8">
        <Step n={1} title="Create an API key" done={created !== undefined} active={created === undefined}>
          {created ? (
            <div className="space-y-2">
              <p className="text-sm">
                Key <strong>{created.api_key.name}</strong> for <strong>{orgName}</strong>. Copy it now:{" "}
                <strong>it is shown only once</strong>; Custos keeps only a hash.
              </p>
              <CodeBlock text={created.key} label="API key" />
            </div>
          ) : canCreate ? (
            <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
              <TextField
                label="Key name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                maxLength={100}
                hint="For your records, e.g. “home lab”."
                className="min-w-0 flex-1"
              />
              <Button type="submit" loading={create.isPending} className="mb-6">
                Create API key
              </Button>
              <div className="w-full">
                <MutationNote error={create.error} />
              </div>
            </form>
          ) : (
            <p className="text-gray-600 text-sm dark:text-gray-400">
              Viewers cannot create keys. Ask a member or admin of {orgName} to add the server.
            </p>
          )}
        </Step>
        <Step n={2} title="Install the agent on your server" done={false} active={created !== undefined}>
          {created ? (
            <div className="space-y-3">
              <p className="text-sm">
                Run this on the server (Linux x64 or arm64; it uses sudo unless you are root):
              </p>
              <AgentCommand text={command} label="Install command" agentUrl={agentUrl} config={config} />
              <details className="text-sm">
                <summary className="cursor-pointer text-gray-600 dark:text-gray-400">
                  Agent already installed?
                </summary>
                <div className="mt-2">
                  <AgentCommand
                    text={registerCommand(agentUrl, created.key)}
                    label="Register command"
                    agentUrl={agentUrl}
                    config={config}
                  />
                </div>
              </details>
            </div>
          ) : (
            <p className="text-gray-500 text-sm">
              The one-line install command appears here with your key in it.
            </p>
          )}
        </Step>
        <Step n={3} title="See it report" done={false} active={created !== undefined}>
          {created ? (
            <WaitForServer known={known.current} />
          ) : (
            <p className="text-gray-500 text-sm">
              We wait for the agent's first heartbeat and show the server.
            </p>
          )}
        </Step>
      </ol>
    </Card>
  );
}
