/**
 * Notification channel settings per kind, in one place for everyone who reads them: the backend
 * (the "create channel" API and each notifier, which parses its kind again before sending, so a
 * row edited by hand cannot make it send somewhere unexpected), and the agent, whose local
 * channels of the same kinds take the same fields (config.ts). `config` is readable by every
 * member of the org; `secret` (tokens, webhook URLs, passwords) is never shown back, and its keys
 * are listed for the browser in channel-secrets.ts. Unknown keys are errors that name the key.
 */
import { z } from "zod";
import { CHANNEL_SECRET_KEYS } from "./channel-secrets.ts";
import type { NotificationChannelKind } from "./dashboard.ts";
import { SafeText } from "./primitives.ts";
import { WebhookSigningSecret } from "./webhook-signature.ts";

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * An absolute http(s) URL without credentials in it. `httpsOnly`: plain http is accepted only for
 * loopback hosts (local tests, a relay on the same machine).
 */
export function webUrl(options: { httpsOnly: boolean }) {
  return SafeText.trim()
    .max(2048)
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be an absolute URL, e.g. https://example.com/hook" });
        return;
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        ctx.addIssue({ code: "custom", message: "must be an http:// or https:// URL" });
      } else if (options.httpsOnly && url.protocol === "http:" && !isLoopback(url.hostname)) {
        ctx.addIssue({ code: "custom", message: "must be an https:// URL (http:// only for localhost)" });
      } else if (url.username || url.password) {
        ctx.addIssue({ code: "custom", message: "must not contain a user name or password" });
      }
    });
}

/** An API token or password that goes into an HTTP header: printable ASCII, no spaces. */
const Token = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

const PhoneNumber = z.e164({ message: "must be a phone number in E.164 form, e.g. +14155550123" });
const EmailAddress = z.email({ message: "must be an email address" }).max(254);

// Names of RFC 9110 token characters; values without CR/LF so nothing can be smuggled into other
// headers, and Latin-1 because that is all an HTTP header can carry.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const HeaderValue = z
  .string()
  .max(4096)
  .regex(/^[\t\x20-\x7e\xa0-\xff]*$/, "must be printable Latin-1 text without line breaks");
const Headers = z.record(SafeText, HeaderValue).superRefine((headers, ctx) => {
  const names = Object.keys(headers);
  if (names.length > 20) ctx.addIssue({ code: "custom", message: "at most 20 headers" });
  for (const name of names) {
    if (!HEADER_NAME.test(name)) {
      ctx.addIssue({ code: "custom", path: [name], message: "must be an HTTP header name" });
    } else if (isReservedHeader(name)) {
      ctx.addIssue({ code: "custom", path: [name], message: "is set by Custos and cannot be overridden" });
    }
  }
});

function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower === "content-type" ||
    lower === "content-length" ||
    lower === "host" ||
    lower.startsWith("x-custos-")
  );
}

// ---- email ----------------------------------------------------------------------------------

export const EmailConfig = z.strictObject({
  to: z.array(EmailAddress).min(1, "at least one address").max(50, "at most 50 addresses"),
});
export type EmailConfig = z.infer<typeof EmailConfig>;

export const EmailSecret = z.strictObject({
  /** Used when email goes through Resend; without it the server-wide key (if any) is used. */
  resend_api_key: Token.optional(),
});
export type EmailSecret = z.infer<typeof EmailSecret>;

// ---- slack ----------------------------------------------------------------------------------

export const SlackConfig = z.strictObject({});
export type SlackConfig = z.infer<typeof SlackConfig>;

export const SlackSecret = z.strictObject({
  /**
   * The incoming-webhook URL (https://hooks.slack.com/services/...). Any https host is accepted,
   * so Slack-compatible receivers (Mattermost, Rocket.Chat) work too.
   */
  webhook_url: webUrl({ httpsOnly: true }),
});
export type SlackSecret = z.infer<typeof SlackSecret>;

// ---- sms (Twilio) ---------------------------------------------------------------------------

export const SmsConfig = z
  .strictObject({
    to: z.array(PhoneNumber).min(1, "at least one phone number").max(10, "at most 10 phone numbers"),
    /** A Twilio number of the account, or ... */
    from: PhoneNumber.optional(),
    /** ... a Messaging Service that picks the sender. */
    messaging_service_sid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, "must be a Messaging Service SID (MG followed by 32 hex digits)")
      .optional(),
  })
  .superRefine((config, ctx) => {
    if ((config.from === undefined) === (config.messaging_service_sid === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["from"],
        message: "set exactly one of from and messaging_service_sid",
      });
    }
  });
export type SmsConfig = z.infer<typeof SmsConfig>;

export const SmsSecret = z.strictObject({
  account_sid: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio Account SID (AC followed by 32 hex digits)"),
  auth_token: Token,
});
export type SmsSecret = z.infer<typeof SmsSecret>;

// ---- ntfy -----------------------------------------------------------------------------------

export const NtfyConfig = z.strictObject({
  /** The ntfy server, optionally with a path prefix; self-hosted ones on a LAN may use http. */
  server: webUrl({ httpsOnly: false }).default("https://ntfy.sh"),
  /** ntfy's own rule for topic names. On ntfy.sh the topic acts as a password; prefer a token. */
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, "must be 1-64 letters, digits, - or _"),
});
export type NtfyConfig = z.infer<typeof NtfyConfig>;

export const NtfySecret = z.strictObject({
  /** An ntfy access token (tk_...), sent as `Authorization: Bearer`. */
  token: Token.optional(),
});
export type NtfySecret = z.infer<typeof NtfySecret>;

// ---- webhook --------------------------------------------------------------------------------

export const WebhookConfig = z.strictObject({
  /** http is allowed: home-lab receivers (Home Assistant, n8n) often live on a LAN without TLS. */
  url: webUrl({ httpsOnly: false }),
  /** Extra headers that are not secret. */
  headers: Headers.default({}),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

export const WebhookSecret = z.strictObject({
  /** The HMAC-SHA256 key for X-Custos-Signature (webhook-signature.ts has the scheme). */
  signing_secret: WebhookSigningSecret,
  /** Extra headers with credentials in them, e.g. Authorization. */
  headers: Headers.default({}),
});
export type WebhookSecret = z.infer<typeof WebhookSecret>;

// ---- discord --------------------------------------------------------------------------------

/** `/api/webhooks/<id>/<token>` (optionally `/api/v10/...`): what Discord's "Copy Webhook URL" gives. */
const DISCORD_WEBHOOK_PATH = /^\/api(\/v\d+)?\/webhooks\/\d{1,20}\/[A-Za-z0-9_-]{1,100}\/?$/;

export const DiscordConfig = z.strictObject({});
export type DiscordConfig = z.infer<typeof DiscordConfig>;

export const DiscordSecret = z.strictObject({
  /** The webhook URL (https://discord.com/api/webhooks/<id>/<token>); its token is the credential. */
  webhook_url: webUrl({ httpsOnly: true }).refine(
    (value) => {
      try {
        return DISCORD_WEBHOOK_PATH.test(new URL(value).pathname);
      } catch {
        return true; // webUrl has said what is wrong
      }
    },
    { message: "must be a Discord webhook URL, e.g. https://discord.com/api/webhooks/<id>/<token>" },
  ),
});
export type DiscordSecret = z.infer<typeof DiscordSecret>;

// ---- telegram -------------------------------------------------------------------------------

export const TelegramConfig = z.strictObject({
  /** A user's or group's numeric id (groups are negative, supergroups -100...), or a public @channel. */
  chat_id: z
    .string()
    .trim()
    .regex(
      /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/,
      "must be a numeric chat id (e.g. -1001234567890) or a public channel's @username",
    ),
});
export type TelegramConfig = z.infer<typeof TelegramConfig>;

export const TelegramSecret = z.strictObject({
  /** The token @BotFather gives: `<bot id>:<secret>`. It goes into the request path. */
  bot_token: z
    .string()
    .trim()
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, "must be a bot token from @BotFather, e.g. 123456789:AAE…"),
});
export type TelegramSecret = z.infer<typeof TelegramSecret>;

// ---- gotify ---------------------------------------------------------------------------------

export const GotifyConfig = z.strictObject({
  /** The Gotify server, optionally with a path prefix; self-hosted ones on a LAN may use http. */
  server: webUrl({ httpsOnly: false }),
});
export type GotifyConfig = z.infer<typeof GotifyConfig>;

export const GotifySecret = z.strictObject({
  /** An application's token (Apps → Create Application), sent as X-Gotify-Key. */
  app_token: Token,
});
export type GotifySecret = z.infer<typeof GotifySecret>;

// ---- pushover -------------------------------------------------------------------------------

/** Pushover's application tokens and user/group keys: 30 letters and digits. */
const PushoverKey = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{30}$/, `must be a Pushover ${what} (30 letters and digits)`);

export const PushoverConfig = z.strictObject({
  /** Only these of the user's devices (comma-separated names); all of them when absent. */
  device: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9_-]{1,25}(\s*,\s*[A-Za-z0-9_-]{1,25})*$/,
      "must be device names (letters, digits, _ or -, up to 25 each), separated by commas",
    )
    .transform((devices) => devices.split(/\s*,\s*/).join(","))
    .optional(),
});
export type PushoverConfig = z.infer<typeof PushoverConfig>;

export const PushoverSecret = z.strictObject({
  /** The application's API token (pushover.net → Create an Application). */
  app_token: PushoverKey("application token"),
  /** The user key (or a delivery group's key) of who receives the messages. */
  user_key: PushoverKey("user or group key"),
});
export type PushoverSecret = z.infer<typeof PushoverSecret>;

// ---- pagerduty ------------------------------------------------------------------------------

export const PagerDutyConfig = z.strictObject({});
export type PagerDutyConfig = z.infer<typeof PagerDutyConfig>;

export const PagerDutySecret = z.strictObject({
  /**
   * The Events API v2 integration key of a service (Service → Integrations → Events API V2), or
   * of an event orchestration/ruleset ("R..."): 32 letters and digits. With it anyone can open
   * incidents on that service.
   */
  routing_key: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{32}$/, "must be an Events API v2 integration key (32 letters and digits)"),
});
export type PagerDutySecret = z.infer<typeof PagerDutySecret>;

// ---- matrix ---------------------------------------------------------------------------------

export const MatrixConfig = z.strictObject({
  /** The homeserver's client-server API base (https://matrix.example.org); a LAN one may use http. */
  homeserver: webUrl({ httpsOnly: false }),
  /**
   * The room's ID (Room settings → Advanced): `!opaque:server.name`, or `!opaque` in room
   * version 12. The send endpoint takes no alias (`#room:server`), so an alias is refused here.
   */
  room_id: z
    .string()
    .trim()
    .max(255)
    .regex(
      /^![A-Za-z0-9._~=+-]{1,200}(:[A-Za-z0-9.\-[\]:]{1,230})?$/,
      "must be a room ID such as !AbCdEf:example.org (Room settings → Advanced), not an alias",
    ),
});
export type MatrixConfig = z.infer<typeof MatrixConfig>;

export const MatrixSecret = z.strictObject({
  /** The access token of the account that posts (a bot user that has joined the room). */
  access_token: Token.max(1000),
});
export type MatrixSecret = z.infer<typeof MatrixSecret>;

// ---- teams ----------------------------------------------------------------------------------

export const TeamsConfig = z.strictObject({});
export type TeamsConfig = z.infer<typeof TeamsConfig>;

export const TeamsSecret = z.strictObject({
  /**
   * The URL of a Teams workflow ("Post to a channel when a webhook request is received"):
   * https://….logic.azure.com/workflows/… or https://….environment.api.powerplatform.com/…; its
   * `sig` parameter is the credential. Any https host is accepted so a relay in front works too.
   */
  webhook_url: webUrl({ httpsOnly: true }),
});
export type TeamsSecret = z.infer<typeof TeamsSecret>;

// ---- all kinds ------------------------------------------------------------------------------

export const EmailSettings = z.strictObject({
  kind: z.literal("email"),
  config: EmailConfig,
  secret: EmailSecret.default({}),
});
export const SlackSettings = z.strictObject({
  kind: z.literal("slack"),
  config: SlackConfig.default({}),
  secret: SlackSecret,
});
export const SmsSettings = z.strictObject({ kind: z.literal("sms"), config: SmsConfig, secret: SmsSecret });
export const NtfySettings = z.strictObject({
  kind: z.literal("ntfy"),
  config: NtfyConfig,
  secret: NtfySecret.default({}),
});
export const WebhookSettings = z.strictObject({
  kind: z.literal("webhook"),
  config: WebhookConfig,
  secret: WebhookSecret,
});
export const DiscordSettings = z.strictObject({
  kind: z.literal("discord"),
  config: DiscordConfig.default({}),
  secret: DiscordSecret,
});
export const GotifySettings = z.strictObject({
  kind: z.literal("gotify"),
  config: GotifyConfig,
  secret: GotifySecret,
});
export const PushoverSettings = z.strictObject({
  kind: z.literal("pushover"),
  config: PushoverConfig.default({}),
  secret: PushoverSecret,
});
export const TelegramSettings = z.strictObject({
  kind: z.literal("telegram"),
  config: TelegramConfig,
  secret: TelegramSecret,
});
export const PagerDutySettings = z.strictObject({
  kind: z.literal("pagerduty"),
  config: PagerDutyConfig.default({}),
  secret: PagerDutySecret,
});
export const MatrixSettings = z.strictObject({
  kind: z.literal("matrix"),
  config: MatrixConfig,
  secret: MatrixSecret,
});
export const TeamsSettings = z.strictObject({
  kind: z.literal("teams"),
  config: TeamsConfig.default({}),
  secret: TeamsSecret,
});

/** A channel's kind, config and secret, as the "create channel" API accepts them. */
export const ChannelSettings = z.discriminatedUnion("kind", [
  EmailSettings,
  SlackSettings,
  SmsSettings,
  NtfySettings,
  WebhookSettings,
  DiscordSettings,
  TelegramSettings,
  GotifySettings,
  PushoverSettings,
  PagerDutySettings,
  MatrixSettings,
  TeamsSettings,
]);
export type ChannelSettings = z.infer<typeof ChannelSettings>;

/** The config and secret schema of each kind. */
export const SETTINGS_BY_KIND = {
  email: { config: EmailConfig, secret: EmailSecret },
  slack: { config: SlackConfig, secret: SlackSecret },
  sms: { config: SmsConfig, secret: SmsSecret },
  ntfy: { config: NtfyConfig, secret: NtfySecret },
  webhook: { config: WebhookConfig, secret: WebhookSecret },
  discord: { config: DiscordConfig, secret: DiscordSecret },
  telegram: { config: TelegramConfig, secret: TelegramSecret },
  gotify: { config: GotifyConfig, secret: GotifySecret },
  pushover: { config: PushoverConfig, secret: PushoverSecret },
  pagerduty: { config: PagerDutyConfig, secret: PagerDutySecret },
  matrix: { config: MatrixConfig, secret: MatrixSecret },
  teams: { config: TeamsConfig, secret: TeamsSecret },
} as const satisfies Record<NotificationChannelKind, { config: z.ZodType; secret: z.ZodType }>;

/**
 * The secret keys the dashboard's form lists (channel-secrets.ts, zod-free for the browser) are
 * keys of these schemas; channel-settings.test.ts checks the lists are exactly the schemas' keys.
 */
CHANNEL_SECRET_KEYS satisfies {
  [K in NotificationChannelKind]: readonly (keyof z.input<(typeof SETTINGS_BY_KIND)[K]["secret"]>)[];
};
