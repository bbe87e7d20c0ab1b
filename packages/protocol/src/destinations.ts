/**
 * Where a page went, comparable across the two alert paths without revealing it. The agent
 * reports, with each page it sent, the destinations that carried it; the backend computes the
 * same keys for its own channels and does not page a destination again for the same incident.
 * A key is the SHA-256 (first 128 bits, hex) of a canonical name: webhook, Slack and Discord
 * URLs, an ntfy topic URL, a Telegram chat, a Gotify application, a Pushover user, one per email
 * address or phone number. Hashed because webhook URLs, ntfy topics, Gotify tokens and Pushover
 * keys are secrets; only equality
 * matters.
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
  | "pushover";

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
  },
): string[] {
  switch (kind) {
    case "webhook":
    case "slack":
    case "discord":
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
