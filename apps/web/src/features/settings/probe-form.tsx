"use client";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Checkbox, SelectField, TextField } from "@/components/ui/field.tsx";
import { ApiError } from "@/lib/api.ts";
import type { ProbeItem, ProbeTestResult } from "@/lib/contract.ts";
import { useOrg } from "@/lib/org.tsx";
import { useCreateProbe, useTestProbe, useUpdateProbe } from "@/lib/queries.ts";
import { checkStatus } from "@/lib/status.ts";
import {
  configFromForm,
  formFromProbe,
  NEW_PROBE,
  type ProbeFormValues,
  scheduleFromForm,
} from "./probe-form-model.ts";
import { EditorForm } from "./shared.tsx";

/** Pure: one line saying what a test run saw ("OK · HTTP 200 · 42 ms · 42 ms"). */
export function describeTestResult(result: ProbeTestResult): string {
  return [
    checkStatus(result.status).label,
    result.status_code === null ? undefined : `HTTP ${result.status_code}`,
    result.latency_ms === null ? undefined : `${Math.round(result.latency_ms)} ms`,
    result.tls_days_left === null ? undefined : `certificate valid ${result.tls_days_left} more days`,
    result.message,
  ]
    .filter(Boolean)
    .join(" · ");
}

/**
 * Adds a probe or edits one in place: target, schedule, thresholds, keywords and TLS warning,
 * and "Test", which runs what the form holds once without saving it.
 */
export function ProbeForm({ probe, onDone }: { probe?: ProbeItem; onDone: () => void }) {
  const { orgId } = useOrg();
  const create = useCreateProbe(orgId);
  const update = useUpdateProbe(orgId);
  const test = useTestProbe(orgId);
  const [values, setValues] = useState<ProbeFormValues>(() => (probe ? formFromProbe(probe) : NEW_PROBE));
  const [localError, setLocalError] = useState<{ field: keyof ProbeFormValues; message: string }>();
  const save = probe ? update : create;
  const apiError = save.error instanceof ApiError ? save.error : undefined;

  const set =
    <K extends keyof ProbeFormValues>(key: K) =>
    (value: ProbeFormValues[K]) =>
      setValues((v) => ({ ...v, [key]: value }));
  /** The error to show under a form field: ours first, then the API's for the config key. */
  const errorOf = (field: keyof ProbeFormValues, apiField: string = `config.${field}`) =>
    localError?.field === field
      ? localError.message
      : apiError?.field === apiField ||
          (field === "target" && /^config\.(url|host|port)/.test(apiError?.field ?? ""))
        ? apiError?.message
        : undefined;

  function runTest() {
    const config = configFromForm(values);
    if (!config.ok) return setLocalError(config);
    setLocalError(undefined);
    test.mutate(config.config);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const config = configFromForm(values);
    if (!config.ok) return setLocalError(config);
    const schedule = scheduleFromForm(values);
    if (!schedule.ok) return setLocalError(schedule);
    setLocalError(undefined);
    const { ok: _ok, ...numbers } = schedule;
    const name = values.name.trim() || values.target.trim();
    if (probe) {
      update.mutate(
        { id: probe.id, changes: { name, ...numbers, enabled: values.enabled, config: config.config } },
        { onSuccess: onDone },
      );
    } else {
      create.mutate({ name, ...numbers, config: config.config }, { onSuccess: onDone });
    }
  }

  const http = values.kind === "http";
  return (
    <EditorForm
      onSubmit={submit}
      spaced
      submitLabel={probe ? "Save probe" : "Add probe"}
      pending={save.isPending}
      onCancel={onDone}
      // a field's error shows at the field; the plan's refusal (field "plan.max_probes") has none
      error={apiError?.field && apiError.code !== "PLAN_LIMIT" ? undefined : save.error}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Kind"
          value={values.kind}
          onChange={(e) => set("kind")(e.target.value as "http" | "tcp")}
        >
          <option value="http">HTTP(S): status, keyword, TLS expiry</option>
          <option value="tcp">TCP: port answers</option>
        </SelectField>
        <TextField
          label="Name"
          value={values.name}
          onChange={(e) => set("name")(e.target.value)}
          placeholder="Website"
          maxLength={200}
          error={errorOf("name", "name")}
        />
        <TextField
          label={http ? "URL" : "Host and port"}
          required
          type={http ? "url" : "text"}
          placeholder={http ? "https://example.com/health" : "db.example.com:5432"}
          value={values.target}
          onChange={(e) => set("target")(e.target.value)}
          error={errorOf("target")}
        />
        <TextField
          label="Every (seconds)"
          type="number"
          min={10}
          max={86400}
          value={values.interval_seconds}
          onChange={(e) => set("interval_seconds")(e.target.value)}
          error={errorOf("interval_seconds", "interval_seconds")}
        />
      </div>
      {http ? (
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 font-medium text-gray-900 text-sm dark:text-gray-100">Response</legend>
          <SelectField
            label="Method"
            value={values.method}
            onChange={(e) => set("method")(e.target.value as "GET" | "HEAD")}
          >
            <option value="GET">GET</option>
            <option value="HEAD">HEAD (no body: keywords need GET)</option>
          </SelectField>
          <TextField
            label="Expected status"
            value={values.expected_status}
            onChange={(e) => set("expected_status")(e.target.value)}
            placeholder="any 2xx or 3xx"
            hint="Codes separated by commas, e.g. 200, 204"
            error={errorOf("expected_status")}
          />
          <TextField
            label="Must contain"
            value={values.keyword}
            onChange={(e) => set("keyword")(e.target.value)}
            maxLength={200}
            placeholder="e.g. Welcome"
            error={errorOf("keyword")}
          />
          <TextField
            label="Must not contain"
            value={values.keyword_absent}
            onChange={(e) => set("keyword_absent")(e.target.value)}
            maxLength={200}
            placeholder="e.g. maintenance"
            error={errorOf("keyword_absent")}
          />
          <TextField
            label="TLS warning (days)"
            type="number"
            min={0}
            max={365}
            value={values.tls_warn_days}
            onChange={(e) => set("tls_warn_days")(e.target.value)}
            hint="Degraded when the certificate expires sooner; down when expired or untrusted (custos-server reads certificates)."
            error={errorOf("tls_warn_days")}
          />
        </fieldset>
      ) : null}
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 font-medium text-gray-900 text-sm dark:text-gray-100">Thresholds</legend>
        <TextField
          label="Degraded above (ms)"
          type="number"
          min={1}
          value={values.degraded_ms}
          onChange={(e) => set("degraded_ms")(e.target.value)}
          error={errorOf("degraded_ms")}
        />
        <TextField
          label="Down above (ms)"
          type="number"
          min={1}
          value={values.down_ms}
          onChange={(e) => set("down_ms")(e.target.value)}
          error={errorOf("down_ms")}
        />
        <TextField
          label="Timeout (ms)"
          type="number"
          min={100}
          max={60000}
          value={values.timeout_ms}
          onChange={(e) => set("timeout_ms")(e.target.value)}
          error={errorOf("timeout_ms")}
        />
        <TextField
          label="Failures before an incident"
          type="number"
          min={1}
          max={100}
          value={values.failures_to_open}
          onChange={(e) => set("failures_to_open")(e.target.value)}
          error={errorOf("failures_to_open", "failures_to_open")}
        />
        <TextField
          label="Successes to resolve it"
          type="number"
          min={1}
          max={100}
          value={values.successes_to_resolve}
          onChange={(e) => set("successes_to_resolve")(e.target.value)}
          error={errorOf("successes_to_resolve", "successes_to_resolve")}
        />
        {probe ? (
          <Checkbox
            className="self-end pb-2"
            label="Enabled"
            checked={values.enabled}
            onChange={(e) => set("enabled")(e.target.checked)}
          />
        ) : null}
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" loading={test.isPending} onClick={runTest}>
          Test
        </Button>
        <output aria-live="polite" className="text-sm">
          {test.data ? (
            <span className="flex flex-wrap items-center gap-2">
              <Badge tone={checkStatus(test.data.status).tone}>{checkStatus(test.data.status).label}</Badge>
              <span>{describeTestResult(test.data).split(" · ").slice(1).join(" · ")}</span>
            </span>
          ) : test.error ? (
            <span className="text-red-600 dark:text-red-400">
              {test.error instanceof Error ? test.error.message : "The test failed"}
            </span>
          ) : (
            <span className="text-gray-500 dark:text-gray-400">
              Runs this probe once now; nothing is saved.
            </span>
          )}
        </output>
      </div>
    </EditorForm>
  );
}
