"use client";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { Checkbox, TextField } from "@/components/ui/field.tsx";
import { ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { OrgSettings, UpdateOrgSettingsRequest } from "@/lib/contract.ts";
import { useOrg } from "@/lib/org.tsx";
import { useOrgSettings, useUpdateSettings } from "@/lib/queries.ts";
import { usePermission } from "./shared.tsx";

/** The numeric settings: the form's field, the setting it edits, its label and the bounds the API takes. */
const NUMBER_SETTINGS = {
  retention: { setting: "raw_retention_days", label: "Keep raw samples (days)", min: 1, max: 3650 },
  flapThreshold: { setting: "flap_threshold", label: "Flapping after (state changes)", min: 2, max: 100 },
  flapWindow: { setting: "flap_window_minutes", label: "…within (minutes)", min: 1, max: 1440 },
  dedup: {
    setting: "agent_dedup_seconds",
    label: "Agent already paged: skip for (seconds)",
    min: 0,
    max: 3600,
    hint: "One failure pages once, not twice.",
  },
  timeout: {
    setting: "default_heartbeat_timeout_seconds",
    label: "Heartbeat timeout (seconds)",
    min: 10,
    max: 86400,
    hint: "For every server without its own.",
  },
} as const satisfies Record<
  string,
  { setting: keyof OrgSettings; label: string; min: number; max: number; hint?: string }
>;
type NumberSetting = keyof typeof NUMBER_SETTINGS;

/** Pure: only the fields that changed (the API refuses an empty PATCH). */
export function settingsChanges(
  before: OrgSettings,
  form: {
    name: string;
    approval: boolean;
    retention: string;
    flapThreshold: string;
    flapWindow: string;
    dedup: string;
    timeout: string;
  },
): UpdateOrgSettingsRequest | undefined {
  const changes: Record<string, unknown> = {};
  if (form.name.trim() !== before.name) changes.name = form.name.trim();
  if (form.approval !== before.require_server_approval) changes.require_server_approval = form.approval;
  for (const [field, { setting }] of Object.entries(NUMBER_SETTINGS)) {
    const value = form[field as NumberSetting];
    const n = Number(value);
    if (value.trim() !== "" && Number.isFinite(n) && n !== before[setting]) changes[setting] = n;
  }
  return Object.keys(changes).length ? (changes as UpdateOrgSettingsRequest) : undefined;
}

function SettingsForm({ settings }: { settings: OrgSettings }) {
  const { orgId } = useOrg();
  const update = useUpdateSettings(orgId);
  const { allowed, note } = usePermission("admin");
  const [form, setForm] = useState({
    name: settings.name,
    approval: settings.require_server_approval,
    retention: String(settings.raw_retention_days),
    flapThreshold: String(settings.flap_threshold),
    flapWindow: String(settings.flap_window_minutes),
    dedup: String(settings.agent_dedup_seconds),
    timeout: String(settings.default_heartbeat_timeout_seconds),
  });
  const [unchanged, setUnchanged] = useState(false);
  const error = update.error instanceof ApiError ? update.error : undefined;
  const fieldError = (f: string) => (error?.field === f ? error.message : undefined);

  function submit(event: FormEvent) {
    event.preventDefault();
    const changes = settingsChanges(settings, form);
    setUnchanged(!changes);
    if (changes) update.mutate(changes);
  }
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.type === "checkbox" ? e.target.checked : e.target.value }));
  const numberField = (field: NumberSetting) => {
    const { setting, label, min, max, ...rest } = NUMBER_SETTINGS[field];
    return (
      <TextField
        label={label}
        type="number"
        min={min}
        max={max}
        value={form[field]}
        onChange={set(field)}
        hint={"hint" in rest ? rest.hint : undefined}
        error={fieldError(setting)}
      />
    );
  };

  return (
    <form onSubmit={submit} className="space-y-6">
      {note}
      <fieldset disabled={!allowed} className="space-y-6">
        <Card>
          <CardHeader title="Organization" />
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Name"
              value={form.name}
              onChange={set("name")}
              maxLength={200}
              error={fieldError("name")}
            />
            <Checkbox
              className="sm:mt-7"
              label="New servers need an admin's approval before their data is accepted"
              checked={form.approval}
              onChange={set("approval")}
            />
          </div>
        </Card>
        <Card>
          <CardHeader
            title="Retention and heartbeats"
            description="Raw samples are kept this long; hourly rollups longer. A server is down when its heartbeat is older than its timeout: this default, or its own (on its page), never less than twice its agent's heartbeat interval."
          />
          <div className="grid gap-4 sm:grid-cols-2">
            {numberField("retention")}
            {numberField("timeout")}
          </div>
        </Card>
        <Card>
          <CardHeader
            title="Alert noise"
            description="When to call a check flapping, and how long to trust the agent's own alert."
          />
          <div className="grid gap-4 sm:grid-cols-3">
            {numberField("flapThreshold")}
            {numberField("flapWindow")}
            {numberField("dedup")}
          </div>
        </Card>
        <div className="flex items-center gap-3">
          <Button type="submit" loading={update.isPending}>
            Save settings
          </Button>
          <MutationNote
            error={error?.field ? undefined : update.error}
            success={unchanged ? "Nothing changed." : update.isSuccess ? "Saved." : undefined}
          />
        </div>
      </fieldset>
    </form>
  );
}

export function GeneralSettings() {
  const { orgId } = useOrg();
  const query = useOrgSettings(orgId);
  if (query.isPending) return <LoadingState label="Loading settings" />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  return <SettingsForm key={`${orgId}`} settings={query.data} />;
}
