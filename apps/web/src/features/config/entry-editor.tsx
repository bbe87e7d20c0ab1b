"use client";
/**
 * One scope's central configuration entry (decision 0037) as a form: thresholds as rows with
 * presets, monitors as JSON. The same editor serves the organization's and each tag's entry on
 * the settings page and a server's own entry on its page. What the person typed stays in the
 * form whatever the API answers; a refusal names its field next to the input it concerns.
 */
import type { CentralMonitor, CentralThreshold } from "@custos/protocol";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { cx } from "@/components/ui/cx.ts";
import { controlClass, TextField } from "@/components/ui/field.tsx";
import { ErrorNote, StatusNote } from "@/components/ui/states.tsx";
import { ApiError, describeError } from "@/lib/api.ts";
import { useOrg } from "@/lib/org.tsx";
import { type BodyOf, call } from "@/lib/routes.ts";
import { MonitorTest } from "./monitor-test.tsx";
import {
  emptyRow,
  messageOnly,
  PRESETS,
  presetRow,
  type RowProblem,
  rowFieldOf,
  rowsFromThresholds,
  type ThresholdRow,
  thresholdsFromRows,
  unitOf,
} from "./threshold-rows.ts";

export type EntryScope =
  | { scope: "org" }
  | { scope: "tag"; tag: string }
  | { scope: "server"; server_id: string };

/** Every query about central configuration of an organization (the server views start with it). */
export const monitorConfigKey = (orgId: string) => ["org", orgId, "monitor-config"] as const;

const INPUTS: { field: keyof ThresholdRow; label: string; placeholder?: string; className?: string }[] = [
  { field: "metric", label: "Metric", placeholder: "cpu.percent", className: "sm:col-span-2" },
  { field: "labels", label: "Labels", placeholder: "mount=/" },
  { field: "name", label: "Check name", placeholder: "threshold:<metric>" },
  { field: "warn_above", label: "Warn above" },
  { field: "crit_above", label: "Critical above" },
  { field: "warn_below", label: "Warn below" },
  { field: "crit_below", label: "Critical below" },
  { field: "for", label: "For", placeholder: "5m" },
  { field: "missing_after", label: "Missing after", placeholder: "10m" },
];

function ThresholdFieldset({
  row,
  index,
  readOnly,
  problem,
  onChange,
  onRemove,
}: {
  row: ThresholdRow;
  index: number;
  readOnly: boolean;
  problem: { input: string; message: string } | undefined;
  onChange: (row: ThresholdRow) => void;
  onRemove: () => void;
}) {
  const unit = unitOf(row.metric.trim());
  // an error on a part of the row without its own input (labels.x, the whole row) shows on Metric
  const shown = problem && INPUTS.some((i) => i.field === problem.input) ? problem.input : "metric";
  return (
    <fieldset className="rounded-lg border border-gray-200 p-3 dark:border-gray-800">
      <legend className="px-1 font-medium text-gray-700 text-sm dark:text-gray-300">
        Threshold {index + 1}
      </legend>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {INPUTS.map((input) => (
          <TextField
            key={input.field}
            label={input.label}
            value={row[input.field]}
            placeholder={readOnly ? undefined : input.placeholder}
            inputMode={
              input.field.endsWith("_above") || input.field.endsWith("_below") ? "decimal" : undefined
            }
            onChange={(e) => onChange({ ...row, [input.field]: e.target.value })}
            error={problem && shown === input.field ? problem.message : undefined}
            readOnly={readOnly}
            className={cx(input.className, input.field === "metric" && "col-span-2")}
          />
        ))}
      </div>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
        <p className="text-gray-500 text-xs dark:text-gray-400">
          {unit ? `Values in ${unit}. ` : ""}Durations like 30s, 5m, 1h.
        </p>
        {readOnly ? null : (
          <Button variant="ghost" size="sm" onClick={onRemove}>
            Remove threshold {index + 1}
          </Button>
        )}
      </div>
    </fieldset>
  );
}

export function EntryEditor({
  scope,
  title,
  monitors,
  thresholds,
  readOnly,
  testServers,
}: {
  scope: EntryScope;
  title: string;
  monitors: readonly CentralMonitor[];
  thresholds: readonly CentralThreshold[];
  readOnly: boolean;
  /** The servers this entry applies to, where a monitor may be tested (decision 0045). */
  testServers?: readonly { id: string; name: string }[];
}) {
  const { orgId } = useOrg();
  const client = useQueryClient();
  const id = useId();
  const [rows, setRows] = useState(() => rowsFromThresholds(thresholds));
  const [monitorsText, setMonitorsText] = useState(() => JSON.stringify(monitors, null, 2));
  const [localProblem, setLocalProblem] = useState<RowProblem>();
  const save = useMutation({
    mutationFn: (body: BodyOf<"putMonitorConfig">) => call("putMonitorConfig", { org_id: orgId }, { body }),
    onSettled: () => client.invalidateQueries({ queryKey: monitorConfigKey(orgId) }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.reset();
    let parsedMonitors: unknown;
    try {
      parsedMonitors = monitorsText.trim() === "" ? [] : JSON.parse(monitorsText);
    } catch (error) {
      setLocalProblem({ field: "monitors", message: `not JSON: ${(error as Error).message}` });
      return;
    }
    const built = thresholdsFromRows(rows);
    if (!built.ok) {
      setLocalProblem(built.problem);
      return;
    }
    setLocalProblem(undefined);
    save.mutate({
      ...scope,
      monitors: parsedMonitors,
      thresholds: built.thresholds,
    } as BodyOf<"putMonitorConfig">);
  }

  const apiError = save.error instanceof ApiError && save.error.field ? save.error : undefined;
  const problem: RowProblem | undefined =
    localProblem ??
    (apiError?.field
      ? { field: apiError.field, message: messageOnly(apiError.message, apiError.field) }
      : undefined);
  const rowProblem = rowFieldOf(problem?.field);
  const monitorsProblem = problem?.field.startsWith("monitors") ? problem : undefined;
  const update = (index: number, row: ThresholdRow) =>
    setRows((all) => all.map((r, i) => (i === index ? row : r)));

  return (
    <form aria-label={title} onSubmit={submit} className="space-y-4">
      <div className="space-y-3">
        <h4 className="font-medium text-gray-900 text-sm dark:text-gray-100">Thresholds</h4>
        {rows.length === 0 ? (
          <p className="text-gray-500 text-sm dark:text-gray-400">No thresholds.</p>
        ) : null}
        {rows.map((row, index) => (
          <ThresholdFieldset
            key={row.key}
            row={row}
            index={index}
            readOnly={readOnly}
            problem={
              rowProblem?.index === index && problem
                ? { input: rowProblem.input, message: problem.message }
                : undefined
            }
            onChange={(next) => update(index, next)}
            onRemove={() => setRows((all) => all.filter((_, i) => i !== index))}
          />
        ))}
        {readOnly ? null : (
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-gray-500 text-sm dark:text-gray-400">Add:</span>
            {PRESETS.map((preset) => (
              <Button
                key={preset.id}
                variant="secondary"
                size="sm"
                onClick={() => setRows((all) => [...all, presetRow(preset.id)])}
              >
                {preset.label}
              </Button>
            ))}
            <Button variant="secondary" size="sm" onClick={() => setRows((all) => [...all, emptyRow()])}>
              Other metric
            </Button>
          </div>
        )}
      </div>
      <div className="space-y-1">
        <label htmlFor={id} className="block font-medium text-gray-900 text-sm dark:text-gray-100">
          Monitors (JSON)
        </label>
        <textarea
          id={id}
          rows={Math.min(14, Math.max(3, monitorsText.split("\n").length))}
          spellCheck={false}
          value={monitorsText}
          readOnly={readOnly}
          onChange={(e) => setMonitorsText(e.target.value)}
          aria-invalid={monitorsProblem ? true : undefined}
          aria-describedby={`${id}-note`}
          className={cx(
            controlClass,
            "font-mono text-xs",
            monitorsProblem && "border-red-500 dark:border-red-500",
          )}
        />
        <p
          id={`${id}-note`}
          className={cx(
            "text-sm",
            monitorsProblem ? "text-red-600 dark:text-red-400" : "text-gray-500 dark:text-gray-400",
          )}
        >
          {monitorsProblem
            ? `${monitorsProblem.field}: ${monitorsProblem.message}`
            : 'A list of { "type", "name", "options" } as in the plugin\'s README; credentials as ${VAR}, resolved on the server.'}
        </p>
      </div>
      {readOnly || testServers === undefined ? null : (
        <MonitorTest monitorsText={monitorsText} servers={testServers} />
      )}
      {readOnly ? null : (
        <div className="flex flex-wrap items-center gap-2">
          <Button type="submit" loading={save.isPending}>
            Save configuration
          </Button>
          {problem ? (
            <ErrorNote>
              Not saved: {problem.field}: {problem.message}
            </ErrorNote>
          ) : save.error ? (
            <ErrorNote>{describeError(save.error)}</ErrorNote>
          ) : save.isSuccess ? (
            <StatusNote>Saved.</StatusNote>
          ) : null}
        </div>
      )}
    </form>
  );
}
