"use client";
/**
 * "Test" for a central monitor (decision 0045): one monitor of the JSON being edited (saved or
 * not) runs once on a chosen server's agent, with that server's environment, and what it found
 * is shown here: waiting for the agent, running, then the result. Nothing is saved, recorded as
 * a check or alerted. The API validates the monitor as it validates a save (a refusal names the
 * field); the agent validates it again with its environment.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { SelectField } from "@/components/ui/field.tsx";
import { ErrorNote } from "@/components/ui/states.tsx";
import { ApiError, describeError } from "@/lib/api.ts";
import { useOrg } from "@/lib/org.tsx";
import { type BodyOf, call, type ResponseOf } from "@/lib/routes.ts";
import { describeRun, isSettled, testableMonitors } from "./monitor-test-model.ts";
import { messageOnly } from "./threshold-rows.ts";

type Run = ResponseOf<"monitorTest">;
const POLL_MS = 1_000;

function RunResult({ run }: { run: Run }) {
  const result = run.result;
  if (!result || run.status !== "done") return null;
  return (
    <div className="space-y-2 text-sm">
      {result.checks.length > 0 ? (
        <ul aria-label="Checks" className="space-y-1">
          {result.checks.map((check, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the checks of one result never reorder
            <li key={i} className="flex flex-wrap items-baseline gap-x-2">
              <span className="font-medium font-mono">{check.name}</span>
              <span>{check.status}</span>
              {check.latency_ms !== undefined ? (
                <span className="text-gray-500 dark:text-gray-400">{Math.round(check.latency_ms)} ms</span>
              ) : null}
              {check.message ? (
                <span className="break-all text-gray-600 dark:text-gray-300">{check.message}</span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="text-gray-600 dark:text-gray-300">
        {result.samples.count} sample{result.samples.count === 1 ? "" : "s"} in {result.duration_ms} ms
        {result.samples.first.length > 0 ? ":" : "."}
      </p>
      {result.samples.first.length > 0 ? (
        <ul aria-label="Samples" className="space-y-0.5 font-mono text-gray-600 text-xs dark:text-gray-300">
          {result.samples.first.slice(0, 8).map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the samples of one result never reorder
            <li key={i} className="break-all">
              {s.name}
              {s.labels && Object.keys(s.labels).length > 0
                ? `{${Object.entries(s.labels)
                    .map(([k, v]) => `${k}="${v}"`)
                    .join(",")}}`
                : ""}{" "}
              = {s.value}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function MonitorTest({
  monitorsText,
  servers,
}: {
  /** The editor's monitors JSON, as typed. */
  monitorsText: string;
  /** Where this entry applies: the servers the test may run on. */
  servers: readonly { id: string; name: string }[];
}) {
  const { orgId } = useOrg();
  const { monitors, problem } = testableMonitors(monitorsText);
  const [chosenName, setChosenName] = useState("");
  const [chosenServer, setChosenServer] = useState("");
  const monitor = monitors.find((m) => m.name === chosenName) ?? monitors[0];
  const server = servers.find((s) => s.id === chosenServer) ?? servers[0];

  const create = useMutation({
    mutationFn: (vars: { serverId: string; monitor: Record<string, unknown> }) =>
      call(
        "createMonitorTest",
        { org_id: orgId, server_id: vars.serverId },
        { body: { monitor: vars.monitor } as BodyOf<"createMonitorTest"> },
      ),
  });
  const created = create.data;
  const run = useQuery({
    queryKey: ["org", orgId, "monitor-test", created?.id],
    queryFn: ({ signal }) => call("monitorTest", { org_id: orgId, test_id: created?.id ?? "" }, { signal }),
    enabled: created !== undefined,
    ...(created ? { initialData: created } : {}),
    refetchInterval: (query) => (query.state.data && isSettled(query.state.data.status) ? false : POLL_MS),
  });
  const shown = created ? run.data : undefined;
  const serverName = servers.find((s) => s.id === shown?.server_id)?.name ?? "The server";
  const step = shown ? describeRun(shown, serverName) : undefined;
  const apiError = create.error instanceof ApiError ? create.error : undefined;
  const busy = create.isPending || (shown !== undefined && !isSettled(shown.status));

  if (servers.length === 0) {
    return (
      <p className="text-gray-500 text-sm dark:text-gray-400">
        No server carries this entry yet: a test runs on one of its servers.
      </p>
    );
  }
  return (
    <section
      aria-label="Test a monitor"
      className="space-y-3 rounded-lg border border-gray-200 p-3 dark:border-gray-800"
    >
      <div>
        <h4 className="font-medium text-gray-900 text-sm dark:text-gray-100">Test a monitor</h4>
        <p className="text-gray-500 text-sm dark:text-gray-400">
          Runs one monitor once on a server's agent, with that server's environment, and shows what it found.
          Nothing is saved or alerted.
        </p>
      </div>
      {problem ? <p className="text-gray-500 text-sm dark:text-gray-400">{problem}</p> : null}
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <SelectField
          label="Monitor to test"
          value={monitor?.name ?? ""}
          disabled={monitors.length === 0}
          onChange={(e) => setChosenName(e.target.value)}
        >
          {monitors.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Run it on"
          value={server?.id ?? ""}
          onChange={(e) => setChosenServer(e.target.value)}
        >
          {servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <Button
          variant="secondary"
          loading={busy}
          disabled={!monitor || !server || busy}
          onClick={() => {
            if (monitor && server) create.mutate({ serverId: server.id, monitor: monitor.monitor });
          }}
        >
          Test
        </Button>
      </div>
      <div aria-live="polite" className="space-y-2">
        {apiError?.field ? (
          <ErrorNote>
            Not tested: {apiError.field}: {messageOnly(apiError.message, apiError.field)}
          </ErrorNote>
        ) : create.error ? (
          <ErrorNote>{describeError(create.error)}</ErrorNote>
        ) : null}
        {step && shown ? (
          <>
            <p className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone={step.tone}>{step.label}</Badge>
              <span className="break-all text-gray-700 dark:text-gray-200">{step.text}</span>
            </p>
            <RunResult run={shown} />
          </>
        ) : null}
        {run.error ? <ErrorNote>{describeError(run.error)}</ErrorNote> : null}
      </div>
    </section>
  );
}
