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
  const numbers: Array<[keyof OrgSettings, string]> = [
    ["raw_retention_days", form.retention],
    ["flap_threshold", form.flapThreshold],
    ["flap_window_minutes", form.flapWindow],
    ["agent_dedup_seconds", form.dedup],
    ["default_heartbeat_timeout_seconds", form.timeout],
  ];
  for (const [key, value] of numbers) {
    const n = Number(value);
    if (value.trim() !== "" && Number.isFinite(n) && n !== before[key]) changes[key] = n;
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
            <TextField
              label="Keep raw samples (days)"
              type="number"
              min={1}
              max={3650}
              value={form.retention}
              onChange={set("retention")}
              error={fieldError("raw_retention_days")}
            />
            <TextField
              label="Heartbeat timeout (seconds)"
              type="number"
              min={10}
              max={86400}
              value={form.timeout}
              onChange={set("timeout")}
              hint="For every server without its own."
              error={fieldError("default_heartbeat_timeout_seconds")}
            />
          </div>
        </Card>
        <Card>
          <CardHeader
            title="Alert noise"
            description="When to call a check flapping, and how long to trust the agent's own alert."
          />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label="Flapping after (state changes)"
              type="number"
              min={2}
              max={100}
              value={form.flapThreshold}
              onChange={set("flapThreshold")}
              error={fieldError("flap_threshold")}
            />
            <TextField
              label="…within (minutes)"
              type="number"
              min={1}
              max={1440}
              value={form.flapWindow}
              onChange={set("flapWindow")}
              error={fieldError("flap_window_minutes")}
            />
            <TextField
              label="Agent already paged: skip for (seconds)"
              type="number"
              min={0}
              max={3600}
              value={form.dedup}
              onChange={set("dedup")}
              hint="One failure pages once, not twice."
              error={fieldError("agent_dedup_seconds")}
            />
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
