import { isSecretSetting } from "@custos/protocol/channel-secrets";
import type { NotificationChannelKind } from "@/lib/contract.ts";

export interface ChannelField {
  key: string;
  label: string;
  /** stored as a secret (never shown again): from the protocol's schema, not written here */
  secret?: boolean;
  /** comma/space separated list */
  list?: boolean;
  optional?: boolean;
  placeholder?: string;
  hint?: string;
  type?: "text" | "url" | "password";
}

/**
 * Each kind's settings, as the API documents them (dashboard.ts, ChannelItem), in form order.
 * Which of them are secrets is the protocol's (channel-secrets.ts, next to the schemas).
 */
const FIELDS: Record<NotificationChannelKind, Omit<ChannelField, "secret">[]> = {
  email: [{ key: "to", label: "Recipients", list: true, placeholder: "ops@example.com, me@example.com" }],
  slack: [
    {
      key: "webhook_url",
      label: "Incoming webhook URL",
      type: "url",
      placeholder: "https://hooks.slack.com/services/…",
    },
  ],
  sms: [
    {
      key: "to",
      label: "Phone numbers",
      list: true,
      placeholder: "+15551234567",
      hint: "E.164 format, comma separated.",
    },
    { key: "from", label: "From number", optional: true, placeholder: "+15557654321" },
    { key: "account_sid", label: "Twilio account SID" },
    { key: "auth_token", label: "Twilio auth token", type: "password" },
  ],
  ntfy: [
    { key: "server", label: "Server", optional: true, type: "url", placeholder: "https://ntfy.sh" },
    { key: "topic", label: "Topic", placeholder: "custos-alerts-7f3a" },
    { key: "token", label: "Access token", optional: true, type: "password" },
  ],
  webhook: [
    { key: "url", label: "URL", type: "url", placeholder: "https://example.com/hooks/custos" },
    {
      key: "signing_secret",
      label: "Signing secret",
      type: "password",
      hint: "At least 16 characters; requests carry an HMAC signature made with it.",
    },
  ],
  discord: [
    {
      key: "webhook_url",
      label: "Webhook URL",
      type: "url",
      placeholder: "https://discord.com/api/webhooks/…",
      hint: "Server settings → Integrations → Webhooks → Copy Webhook URL.",
    },
  ],
  telegram: [
    {
      key: "chat_id",
      label: "Chat ID",
      placeholder: "-1001234567890 or @mychannel",
      hint: "Add the bot to the chat first; a group's id is negative.",
    },
    {
      key: "bot_token",
      label: "Bot token",
      type: "password",
      placeholder: "123456789:AAE…",
      hint: "From @BotFather (/newbot).",
    },
  ],
  gotify: [
    { key: "server", label: "Server", type: "url", placeholder: "https://gotify.example.com" },
    {
      key: "app_token",
      label: "Application token",
      type: "password",
      hint: "Gotify → Apps → Create Application.",
    },
  ],
  pushover: [
    {
      key: "user_key",
      label: "User key",
      type: "password",
      hint: "On your Pushover dashboard (or a delivery group's key).",
    },
    {
      key: "app_token",
      label: "Application API token",
      type: "password",
      hint: "pushover.net → Create an Application/API Token.",
    },
    { key: "device", label: "Devices", optional: true, placeholder: "phone, tablet" },
  ],
  pagerduty: [
    {
      key: "routing_key",
      label: "Integration key",
      type: "password",
      hint: "Service → Integrations → Events API V2 (32 characters). Recoveries resolve the alert.",
    },
  ],
  matrix: [
    { key: "homeserver", label: "Homeserver", type: "url", placeholder: "https://matrix.example.org" },
    {
      key: "room_id",
      label: "Room ID",
      placeholder: "!AbCdEf123:example.org",
      hint: "Room settings → Advanced. Invite the posting account to the room first.",
    },
    {
      key: "access_token",
      label: "Access token",
      type: "password",
      hint: "Of the account that posts (a bot user is best).",
    },
  ],
  teams: [
    {
      key: "webhook_url",
      label: "Workflow URL",
      type: "url",
      placeholder: "https://….logic.azure.com/workflows/…",
      hint: 'Teams → Workflows → "Post to a channel when a webhook request is received".',
    },
  ],
};

export const CHANNEL_FIELDS: Record<NotificationChannelKind, ChannelField[]> = Object.fromEntries(
  Object.entries(FIELDS).map(([kind, fields]) => [
    kind,
    fields.map((field) => ({
      ...field,
      secret: isSecretSetting(kind as NotificationChannelKind, field.key),
    })),
  ]),
) as Record<NotificationChannelKind, ChannelField[]>;

export const KIND_LABEL: Record<NotificationChannelKind, string> = {
  email: "Email",
  slack: "Slack",
  sms: "SMS (Twilio)",
  ntfy: "ntfy",
  webhook: "Webhook",
  discord: "Discord",
  telegram: "Telegram",
  gotify: "Gotify",
  pushover: "Pushover",
  pagerduty: "PagerDuty",
  matrix: "Matrix",
  teams: "Microsoft Teams",
};

/** Pure: form values -> the API's { config, secret }; empty optional fields are left out. */
export function channelPayload(
  kind: NotificationChannelKind,
  values: Record<string, string>,
): { config: Record<string, unknown>; secret: Record<string, unknown> } {
  const config: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const field of CHANNEL_FIELDS[kind]) {
    const raw = (values[field.key] ?? "").trim();
    if (raw === "") continue;
    const value = field.list
      ? raw
          .split(/[\s,;]+/)
          .map((v) => v.trim())
          .filter(Boolean)
      : raw;
    (field.secret ? secret : config)[field.key] = value;
  }
  return { config, secret };
}

/** Pure: an existing channel's settings as form text; secret fields start empty (never shown back). */
export function channelFormValues(
  kind: NotificationChannelKind,
  config: Record<string, unknown>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of CHANNEL_FIELDS[kind]) {
    const value = config[field.key];
    if (field.secret || value === undefined || value === null) continue;
    if (Array.isArray(value)) values[field.key] = value.join(", ");
    else if (typeof value === "string" || typeof value === "number") values[field.key] = String(value);
  }
  return values;
}

/**
 * Pure: an edit form -> the PATCH body. The config is the stored one with the form's fields put
 * in (a cleared optional field removed), so settings the form does not show (a webhook's plain
 * headers) survive; the secret holds only the fields typed in, and is left out when none was,
 * so the API keeps every stored secret value that was left empty.
 */
export function channelUpdate(
  kind: NotificationChannelKind,
  stored: Record<string, unknown>,
  values: Record<string, string>,
): { config: Record<string, unknown>; secret?: Record<string, unknown> } {
  const { config: typed, secret } = channelPayload(kind, values);
  const config: Record<string, unknown> = { ...stored };
  for (const field of CHANNEL_FIELDS[kind]) {
    if (field.secret) continue;
    if (field.key in typed) config[field.key] = typed[field.key];
    else delete config[field.key];
  }
  return Object.keys(secret).length > 0 ? { config, secret } : { config };
}

/** A one-line description of where a channel sends (non-secret settings only). */
export function channelTarget(kind: NotificationChannelKind, config: Record<string, unknown>): string {
  const list = (v: unknown) => (Array.isArray(v) ? v.join(", ") : typeof v === "string" ? v : "");
  switch (kind) {
    case "email":
    case "sms":
      return list(config.to);
    case "ntfy":
      return `${typeof config.server === "string" ? config.server : "ntfy.sh"}/${list(config.topic)}`;
    case "webhook":
      return list(config.url);
    case "slack":
      return "Slack webhook";
    case "discord":
      return "Discord webhook";
    case "telegram":
      return `Telegram chat ${list(config.chat_id)}`;
    case "gotify":
      return `Gotify ${list(config.server)}`;
    case "pushover":
      return typeof config.device === "string" ? `Pushover (${config.device})` : "Pushover";
    case "pagerduty":
      return "PagerDuty service";
    case "matrix":
      return `Matrix ${list(config.room_id)}`;
    case "teams":
      return "Teams workflow";
  }
}
