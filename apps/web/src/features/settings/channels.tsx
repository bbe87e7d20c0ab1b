"use client";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { SelectField, TextField } from "@/components/ui/field.tsx";
import {
  EmptyState,
  ErrorNote,
  ErrorState,
  LoadingState,
  MutationNote,
  StatusNote,
} from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { ChannelItem, ChannelTestResult, NotificationChannelKind } from "@/lib/contract.ts";
import { useOrg } from "@/lib/org.tsx";
import {
  useChannels,
  useCreateChannel,
  useDeleteChannel,
  useTestChannel,
  useUpdateChannel,
} from "@/lib/queries.ts";
import {
  CHANNEL_FIELDS,
  channelFormValues,
  channelPayload,
  channelTarget,
  channelUpdate,
  KIND_LABEL,
} from "./channel-form.ts";
import { EditorForm, usePermission } from "./shared.tsx";

function AddChannel({ onDone }: { onDone: () => void }) {
  const { orgId } = useOrg();
  const create = useCreateChannel(orgId);
  const [kind, setKind] = useState<NotificationChannelKind>("email");
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const error = create.error instanceof ApiError ? create.error : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    const { config, secret } = channelPayload(kind, values);
    create.mutate({ name: name.trim() || KIND_LABEL[kind], kind, config, secret }, { onSuccess: onDone });
  }
  const fieldError = (key: string, secret?: boolean) => {
    const path = `${secret ? "secret" : "config"}.${key}`;
    return error?.field === path || error?.field?.startsWith(`${path}.`) ? error.message : undefined;
  };
  const shownAtField =
    error?.field === "name" || CHANNEL_FIELDS[kind].some((f) => fieldError(f.key, f.secret) !== undefined);
  return (
    <EditorForm
      onSubmit={submit}
      submitLabel="Add channel"
      pending={create.isPending}
      onCancel={onDone}
      error={shownAtField ? undefined : create.error}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as NotificationChannelKind);
            setValues({});
          }}
        >
          {(Object.keys(KIND_LABEL) as NotificationChannelKind[]).map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Name"
          placeholder={`${KIND_LABEL[kind]} (on-call)`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
          error={error?.field === "name" ? error.message : undefined}
        />
        <SettingsFields kind={kind} values={values} setValues={setValues} fieldError={fieldError} />
      </div>
    </EditorForm>
  );
}

/**
 * A kind's settings as text fields. Editing (`storedSecrets` given), a secret field starts empty
 * and may stay empty: the stored value is kept, since it is never shown back.
 */
function SettingsFields({
  kind,
  values,
  setValues,
  fieldError,
  storedSecrets,
}: {
  kind: NotificationChannelKind;
  values: Record<string, string>;
  setValues: (update: (v: Record<string, string>) => Record<string, string>) => void;
  fieldError: (key: string, secret?: boolean) => string | undefined;
  storedSecrets?: readonly string[];
}) {
  return CHANNEL_FIELDS[kind].map((field) => {
    const kept = field.secret && storedSecrets?.includes(field.key);
    return (
      <TextField
        key={`${kind}.${field.key}`}
        label={`${field.label}${field.optional ? " (optional)" : ""}`}
        type={field.type ?? "text"}
        placeholder={kept ? "•••••••• (unchanged)" : field.placeholder}
        hint={
          kept
            ? "Stored as a secret. Leave empty to keep it; type a new value to replace it."
            : (field.hint ?? (field.secret ? "Stored as a secret; never shown again." : undefined))
        }
        required={!field.optional && !kept}
        autoComplete="off"
        value={values[field.key] ?? ""}
        onChange={(e) => setValues((v) => ({ ...v, [field.key]: e.target.value }))}
        error={fieldError(field.key, field.secret)}
      />
    );
  });
}

/** Edit a channel in place: its name and settings; the kind stays, secrets are kept unless retyped. */
function EditChannel({ channel, onDone }: { channel: ChannelItem; onDone: () => void }) {
  const { orgId } = useOrg();
  const update = useUpdateChannel(orgId);
  const [name, setName] = useState(channel.name);
  const [values, setValues] = useState<Record<string, string>>(() =>
    channelFormValues(channel.kind, channel.config),
  );
  const error = update.error instanceof ApiError ? update.error : undefined;
  function submit(event: FormEvent) {
    event.preventDefault();
    const body = {
      name: name.trim() || channel.name,
      ...channelUpdate(channel.kind, channel.config, values),
    };
    update.mutate({ id: channel.id, body }, { onSuccess: onDone });
  }
  const fieldError = (key: string, secret?: boolean) => {
    const path = `${secret ? "secret" : "config"}.${key}`;
    return error?.field === path || error?.field?.startsWith(`${path}.`) ? error.message : undefined;
  };
  const shownAtField =
    error?.field === "name" ||
    CHANNEL_FIELDS[channel.kind].some((f) => fieldError(f.key, f.secret) !== undefined);
  return (
    <div className="mt-3">
      <EditorForm
        onSubmit={submit}
        submitLabel="Save changes"
        pending={update.isPending}
        onCancel={onDone}
        error={shownAtField ? undefined : update.error}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            required
            error={error?.field === "name" ? error.message : undefined}
          />
          <SettingsFields
            kind={channel.kind}
            values={values}
            setValues={setValues}
            fieldError={fieldError}
            storedSecrets={channel.secret_fields}
          />
        </div>
      </EditorForm>
    </div>
  );
}

function TestResult({ result }: { result: ChannelTestResult }) {
  return result.delivered ? (
    <StatusNote>Test delivered in {result.duration_ms} ms.</StatusNote>
  ) : (
    <ErrorNote>
      Test failed: {result.error ?? "unknown error"}
      {result.retryable ? " (temporary; try again)" : ""}
    </ErrorNote>
  );
}

function ChannelRow({ channel, canManage }: { channel: ChannelItem; canManage: boolean }) {
  const { orgId } = useOrg();
  const test = useTestChannel(orgId);
  const update = useUpdateChannel(orgId);
  const remove = useDeleteChannel(orgId);
  const [confirm, setConfirm] = useState(false);
  const [editing, setEditing] = useState(false);
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2 font-medium">
            {channel.name}
            <Badge tone="gray">{KIND_LABEL[channel.kind]}</Badge>
            {channel.enabled ? null : <Badge tone="amber">Disabled</Badge>}
          </p>
          <p className="truncate text-gray-500 text-sm dark:text-gray-400">
            {channelTarget(channel.kind, channel.config)}
          </p>
        </div>
        {canManage ? (
          <div className="flex flex-wrap gap-1">
            <Button
              size="sm"
              variant="secondary"
              loading={test.isPending}
              onClick={() => test.mutate(channel.id)}
            >
              Send test<span className="sr-only"> to {channel.name}</span>
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setEditing(true)} disabled={editing}>
              Edit<span className="sr-only"> {channel.name}</span>
            </Button>
            <Button
              size="sm"
              variant="ghost"
              loading={update.isPending}
              onClick={() => update.mutate({ id: channel.id, body: { enabled: !channel.enabled } })}
            >
              {channel.enabled ? "Disable" : "Enable"}
            </Button>
            {confirm ? (
              <>
                <Button
                  size="sm"
                  variant="danger"
                  loading={remove.isPending}
                  onClick={() => remove.mutate(channel.id)}
                >
                  Delete
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setConfirm(false)}>
                  Cancel
                </Button>
              </>
            ) : (
              <Button size="sm" variant="ghost" onClick={() => setConfirm(true)}>
                Delete…
              </Button>
            )}
          </div>
        ) : null}
      </div>
      {editing ? <EditChannel channel={channel} onDone={() => setEditing(false)} /> : null}
      {test.data ? <TestResult result={test.data} /> : null}
      <MutationNote error={test.error ?? update.error ?? remove.error} />
    </li>
  );
}

export function ChannelsSettings() {
  const { orgId } = useOrg();
  const query = useChannels(orgId);
  const { allowed, note } = usePermission("admin");
  const [adding, setAdding] = useState(false);
  return (
    <Card>
      <CardHeader
        title="Notification channels"
        description="Where alerts go. Alert rules decide which incidents use which channels."
        actions={
          allowed && !adding ? <Button onClick={() => setAdding(true)}>Add channel</Button> : undefined
        }
      />
      {note}
      {adding ? <AddChannel onDone={() => setAdding(false)} /> : null}
      {query.isPending ? (
        <LoadingState label="Loading channels" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : query.data.channels.length === 0 ? (
        adding ? null : (
          <EmptyState title="No channels yet" className="mt-2">
            Add an email address, Slack, Discord, Telegram, Gotify, Pushover, SMS, ntfy or a webhook, then
            send a test.
          </EmptyState>
        )
      ) : (
        <ul className="mt-2 divide-y divide-gray-100 dark:divide-gray-800">
          {query.data.channels.map((c) => (
            <ChannelRow key={c.id} channel={c} canManage={allowed} />
          ))}
        </ul>
      )}
    </Card>
  );
}
