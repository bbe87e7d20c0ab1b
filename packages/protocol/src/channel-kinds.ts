/**
 * Every kind of notification channel, named once (zod-free, so the agent's ack links and the
 * browser can use it too). The backend and the agent send through all of them (the agent's SMS
 * since decision 0041), and an agent's pages are listed under these names when it tells the
 * backend where it paged.
 */
export const CHANNEL_KINDS = [
  "email",
  "slack",
  "webhook",
  "ntfy",
  "sms",
  "discord",
  "telegram",
  "gotify",
  "pushover",
  "pagerduty",
  "matrix",
  "teams",
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The kinds the agent sends through itself: every kind. */
export const AGENT_CHANNEL_KINDS = CHANNEL_KINDS;
