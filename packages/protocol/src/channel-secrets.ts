/**
 * Which settings of each channel kind are secrets (stored apart, never shown back). The schemas
 * in channel-settings.ts are the truth; this list is their secret keys without zod, for the
 * dashboard's form (no zod in the browser bundle). A compile-time check next to the schemas keeps
 * every key listed here a key of its schema, and channel-settings.test.ts that none is missing.
 */
import type { NotificationChannelKind } from "./dashboard.ts";

export const CHANNEL_SECRET_KEYS = {
  email: ["resend_api_key"],
  slack: ["webhook_url"],
  sms: ["account_sid", "auth_token"],
  ntfy: ["token"],
  webhook: ["signing_secret", "headers"],
  discord: ["webhook_url"],
  telegram: ["bot_token"],
  gotify: ["app_token"],
  pushover: ["app_token", "user_key"],
  pagerduty: ["routing_key"],
  matrix: ["access_token"],
  teams: ["webhook_url"],
} as const satisfies Record<NotificationChannelKind, readonly string[]>;

/** Whether a setting of a channel kind goes into the channel's secret rather than its config. */
export function isSecretSetting(kind: NotificationChannelKind, key: string): boolean {
  return (CHANNEL_SECRET_KEYS[kind] as readonly string[]).includes(key);
}
