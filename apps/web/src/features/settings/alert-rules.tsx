"use client";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { Checkbox, CheckboxGroup, SelectField, TextField, toggleId } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { AlertRuleItem, ChannelItem, RepeatMode, Severity } from "@/lib/contract.ts";
import { useOrg } from "@/lib/org.tsx";
import {
  useAlertRules,
  useChannels,
  useCreateAlertRule,
  useDeleteAlertRule,
  useUpdateAlertRule,
} from "@/lib/queries.ts";
import { SEVERITY } from "@/lib/status.ts";
import { EditorForm, usePermission } from "./shared.tsx";

interface RuleForm {
  name: string;
  min_severity: Severity;
  channel_ids: string[];
  escalate: boolean;
  escalate_after_minutes: string;
  escalation_channel_ids: string[];
  repeat_mode: RepeatMode;
  repeat_every_minutes: string;
  notify_restored: boolean;
  enabled: boolean;
}

function fromRule(rule: AlertRuleItem | undefined): RuleForm {
  return {
    name: rule?.name ?? "",
    min_severity: rule?.min_severity ?? "warning",
    channel_ids: rule?.channel_ids ?? [],
    escalate: (rule?.escalate_after_minutes ?? null) !== null,
    escalate_after_minutes: String(rule?.escalate_after_minutes ?? 15),
    escalation_channel_ids: rule?.escalation_channel_ids ?? [],
    repeat_mode: rule?.repeat_mode ?? "once",
    repeat_every_minutes: String(rule?.repeat_every_minutes ?? 60),
    notify_restored: rule?.notify_restored ?? true,
    enabled: rule?.enabled ?? true,
  };
}

/** Pure: the form as the API's rule fields. */
export function toRuleBody(form: RuleForm) {
  return {
    name: form.name.trim(),
    min_severity: form.min_severity,
    channel_ids: form.channel_ids,
    escalate_after_minutes: form.escalate ? Number(form.escalate_after_minutes) : null,
    escalation_channel_ids: form.escalate ? form.escalation_channel_ids : [],
    repeat_mode: form.repeat_mode,
    repeat_every_minutes: form.repeat_mode === "repeat" ? Number(form.repeat_every_minutes) : null,
    notify_restored: form.notify_restored,
    enabled: form.enabled,
  };
}

function ChannelChecks({
  legend,
  channels,
  selected,
  onChange,
}: {
  legend: string;
  channels: readonly ChannelItem[];
  selected: string[];
  onChange: (ids: string[]) => void;
}) {
  return (
    <fieldset>
      <legend className="mb-1 font-medium text-gray-700 text-sm dark:text-gray-300">{legend}</legend>
      {channels.length === 0 ? (
        <p className="text-gray-500 text-sm">
          No channels yet.{" "}
          <Link href="/settings/channels" className="text-blue-600 hover:underline dark:text-blue-400">
            Add one first
          </Link>
          .
        </p>
      ) : (
        <CheckboxGroup
          options={channels.map((c) => ({ id: c.id, label: `${c.name} (${c.kind})` }))}
          selected={selected}
          onToggle={(c, on) => onChange(toggleId(selected, c.id, on))}
        />
      )}
    </fieldset>
  );
}

function RuleEditor({
  rule,
  channels,
  onDone,
}: {
  rule?: AlertRuleItem;
  channels: readonly ChannelItem[];
  onDone: () => void;
}) {
  const { orgId } = useOrg();
  const create = useCreateAlertRule(orgId);
  const update = useUpdateAlertRule(orgId);
  const [form, setForm] = useState<RuleForm>(() => fromRule(rule));
  const mutation = rule ? update : create;
  const error = mutation.error instanceof ApiError ? mutation.error : undefined;
  const fieldError = (f: string) => (error?.field === f ? error.message : undefined);

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = toRuleBody(form);
    if (rule) update.mutate({ id: rule.id, body }, { onSuccess: onDone });
    else create.mutate(body, { onSuccess: onDone });
  }
  return (
    <EditorForm
      onSubmit={submit}
      submitLabel={rule ? "Save rule" : "Add rule"}
      pending={mutation.isPending}
      submitDisabled={!form.name.trim()}
      onCancel={onDone}
      error={error?.field ? undefined : mutation.error}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Name"
          required
          value={form.name}
          placeholder="Page on-call"
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          maxLength={100}
          error={fieldError("name")}
        />
        <SelectField
          label="For incidents of severity"
          value={form.min_severity}
          onChange={(e) => setForm({ ...form, min_severity: e.target.value as Severity })}
        >
          <option value="critical">Critical only</option>
          <option value="warning">Warning and critical</option>
          <option value="info">All (info and up)</option>
        </SelectField>
      </div>
      <ChannelChecks
        legend="Notify"
        channels={channels}
        selected={form.channel_ids}
        onChange={(ids) => setForm({ ...form, channel_ids: ids })}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Repeat"
          value={form.repeat_mode}
          onChange={(e) => setForm({ ...form, repeat_mode: e.target.value as RepeatMode })}
        >
          <option value="once">Page once</option>
          <option value="repeat">Remind until acknowledged</option>
          <option value="none">Record only, do not page</option>
        </SelectField>
        {form.repeat_mode === "repeat" ? (
          <TextField
            label="Remind every (minutes)"
            type="number"
            min={1}
            max={10080}
            value={form.repeat_every_minutes}
            onChange={(e) => setForm({ ...form, repeat_every_minutes: e.target.value })}
            error={fieldError("repeat_every_minutes")}
          />
        ) : null}
      </div>
      <div className="space-y-3 rounded-lg bg-gray-50 p-3 dark:bg-gray-950">
        <Checkbox
          label="Escalate when nobody acknowledges"
          checked={form.escalate}
          onChange={(e) => setForm({ ...form, escalate: e.target.checked })}
        />
        {form.escalate ? (
          <>
            <TextField
              label="Escalate after (minutes)"
              type="number"
              min={1}
              max={10080}
              value={form.escalate_after_minutes}
              onChange={(e) => setForm({ ...form, escalate_after_minutes: e.target.value })}
              className="max-w-xs"
              error={fieldError("escalate_after_minutes")}
            />
            <ChannelChecks
              legend="Escalate to"
              channels={channels}
              selected={form.escalation_channel_ids}
              onChange={(ids) => setForm({ ...form, escalation_channel_ids: ids })}
            />
          </>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-x-6 gap-y-2">
        <Checkbox
          label="Also notify when it recovers"
          checked={form.notify_restored}
          onChange={(e) => setForm({ ...form, notify_restored: e.target.checked })}
        />
        <Checkbox
          label="Enabled"
          checked={form.enabled}
          onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
        />
      </div>
    </EditorForm>
  );
}

function describeRule(rule: AlertRuleItem, channels: readonly ChannelItem[]): string {
  const names = (ids: string[]) =>
    ids.map((id) => channels.find((c) => c.id === id)?.name ?? "deleted channel").join(", ") || "no channels";
  const parts = [
    `${SEVERITY[rule.min_severity].label} and worse → ${names(rule.channel_ids)}`,
    rule.repeat_mode === "repeat"
      ? `remind every ${rule.repeat_every_minutes} min`
      : rule.repeat_mode === "none"
        ? "record only"
        : "page once",
  ];
  if (rule.escalate_after_minutes !== null) {
    parts.push(`escalate after ${rule.escalate_after_minutes} min → ${names(rule.escalation_channel_ids)}`);
  }
  if (rule.notify_restored) parts.push("recovery notices");
  return parts.join(" · ");
}

export function AlertRulesSettings() {
  const { orgId } = useOrg();
  const rules = useAlertRules(orgId);
  const channels = useChannels(orgId);
  const remove = useDeleteAlertRule(orgId);
  const { allowed, note } = usePermission("admin");
  const [editing, setEditing] = useState<string | "new">();
  const channelList = channels.data?.channels ?? [];

  return (
    <Card>
      <CardHeader
        title="Alert rules and escalation"
        description="Which incidents page whom, how often, and who is next when nobody answers."
        actions={
          allowed && editing === undefined ? (
            <Button onClick={() => setEditing("new")}>Add rule</Button>
          ) : undefined
        }
      />
      {note}
      {editing === "new" ? <RuleEditor channels={channelList} onDone={() => setEditing(undefined)} /> : null}
      {rules.isPending ? (
        <LoadingState label="Loading alert rules" />
      ) : rules.isError ? (
        <ErrorState error={rules.error} retry={() => void rules.refetch()} />
      ) : rules.data.alert_rules.length === 0 ? (
        editing ? null : (
          <EmptyState title="No alert rules" className="mt-2">
            Without a rule, incidents are recorded but nobody is paged. Add channels, then a rule.
          </EmptyState>
        )
      ) : (
        <ul className="mt-2 divide-y divide-gray-100 dark:divide-gray-800">
          {rules.data.alert_rules.map((rule) =>
            editing === rule.id ? (
              <li key={rule.id} className="py-3">
                <RuleEditor rule={rule} channels={channelList} onDone={() => setEditing(undefined)} />
              </li>
            ) : (
              <li key={rule.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div className="min-w-0">
                  <p className="flex items-center gap-2 font-medium">
                    {rule.name}
                    {rule.enabled ? null : <Badge tone="gray">Disabled</Badge>}
                  </p>
                  <p className="text-gray-500 text-sm dark:text-gray-400">
                    {describeRule(rule, channelList)}
                  </p>
                </div>
                {allowed ? (
                  <div className="flex gap-1">
                    <Button size="sm" variant="secondary" onClick={() => setEditing(rule.id)}>
                      Edit<span className="sr-only"> {rule.name}</span>
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      loading={remove.isPending && remove.variables === rule.id}
                      onClick={() => remove.mutate(rule.id)}
                    >
                      Delete<span className="sr-only"> {rule.name}</span>
                    </Button>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ul>
      )}
      <MutationNote error={remove.error} />
    </Card>
  );
}
