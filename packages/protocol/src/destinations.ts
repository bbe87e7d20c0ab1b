/**
 * Where a page went, comparable across the two alert paths without revealing it. The agent
 * reports, with each page it sent, the destinations that carried it; the backend computes the
 * same keys for its own channels and does not page a destination again for the same incident.
 * A key is the SHA-256 (first 128 bits, hex) of a canonical name: webhook, Slack and Discord
 * URLs, an ntfy topic URL, a Telegram chat, a Gotify application, a Pushover user, a PagerDuty
 * integration key, a Matrix room on its homeserver, a Teams workflow URL, one per email address or
 * phone number. Hashed because webhook URLs, ntfy topics, Gotify tokens, Pushover and PagerDuty
 * keys are secrets; only equality matters.
 */
export type DestinationKind =
  | "email"
  | "slack"
  | "webhook"
  | "ntfy"
  | "sms"
  | "discord"
  | "telegram"
  | "gotify"
  | "pushover"
  | "pagerduty"
  | "matrix"
  | "teams";

function canonicalUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url.trim();
  }
}

/** Canonical names of one channel's destinations (several for email and SMS recipients). */
export function destinationNames(
  kind: DestinationKind,
  target: {
    url?: string;
    server?: string;
    topic?: string;
    to?: string | readonly string[];
    chat_id?: string;
    token?: string;
    user?: string;
    room?: string;
  },
): string[] {
  switch (kind) {
    case "webhook":
    case "slack":
    case "discord":
    case "teams":
      return target.url ? [`${kind}:${canonicalUrl(target.url)}`] : [];
    case "ntfy":
      return target.server && target.topic
        ? [`ntfy:${canonicalUrl(target.server).replace(/\/+$/, "")}/${target.topic}`]
        : [];
    case "gotify":
      // one application on one server: the token names the application
      return target.server && target.token
        ? [`gotify:${canonicalUrl(target.server).replace(/\/+$/, "")}/${target.token}`]
        : [];
    case "pushover":
      // a user (or group) key reaches the same phones whichever application sends
      return target.user ? [`pushover:${target.user.trim()}`] : [];
    case "pagerduty":
      // the integration key names the service the incident opens on
      return target.token ? [`pagerduty:${target.token.trim()}`] : [];
    case "matrix":
      // the room is the destination, whichever account posts to it
      return target.server && target.room
        ? [`matrix:${canonicalUrl(target.server).replace(/\/+$/, "")}/${target.room.trim()}`]
        : [];
    case "telegram":
      // the chat is the destination, whichever bot posts to it
      return target.chat_id ? [`telegram:${target.chat_id.trim().toLowerCase()}`] : [];
    case "email":
    case "sms": {
      const to = typeof target.to === "string" ? [target.to] : (target.to ?? []);
      return [...new Set(to.map((address) => `${kind}:${address.trim().toLowerCase()}`))];
    }
  }
}

/**
 * The destination names of a channel from its settings, flat: the backend's config and secret
 * merged, or an agent's local channel entry, which uses the same field names (config.ts).
 */
export function settingsDestinationNames(
  kind: DestinationKind,
  settings: Readonly<Record<string, unknown>>,
): string[] {
  const text = (key: string) => (typeof settings[key] === "string" ? (settings[key] as string) : undefined);
  const to = settings.to;
  switch (kind) {
    case "slack":
    case "discord":
    case "teams":
      return destinationNames(kind, { url: text("webhook_url") });
    case "webhook":
      return destinationNames(kind, { url: text("url") });
    case "ntfy":
      return destinationNames(kind, { server: text("server"), topic: text("topic") });
    case "gotify":
      return destinationNames(kind, { server: text("server"), token: text("app_token") });
    case "pushover":
      return destinationNames(kind, { user: text("user_key") });
    case "pagerduty":
      return destinationNames(kind, { token: text("routing_key") });
    case "matrix":
      return destinationNames(kind, { server: text("homeserver"), room: text("room_id") });
    case "telegram":
      return destinationNames(kind, { chat_id: text("chat_id") });
    case "email":
    case "sms":
      return destinationNames(kind, {
        to:
          typeof to === "string"
            ? to
            : Array.isArray(to)
              ? to.filter((t): t is string => typeof t === "string")
              : [],
      });
  }
}

/** The keys reported and compared: SHA-256 of each name, 32 hex digits. */
export async function destinationKeys(names: readonly string[]): Promise<string[]> {
  const encoder = new TextEncoder();
  return Promise.all(
    names.map(async (name) => {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(name)));
      return [...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
    }),
  );
}

/** A destination key as it travels in an agent's alert report. */
export const DESTINATION_KEY = /^[0-9a-f]{32}$/;
