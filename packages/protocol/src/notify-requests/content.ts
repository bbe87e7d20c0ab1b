/**
 * What a notification says, in the form every request builder here takes: the backend maps its
 * NotificationMessage to it, the agent its local alert, so one pure function per provider builds
 * the request body for both alert paths (decision 0033). No I/O, no node:*, no zod: the builders
 * run in Node, Deno and the agent's single executable alike.
 */

export interface NotifyContent {
  /** down | flapping | escalation | repeat | restored | acknowledged | test (the agent: its alert state). */
  event: string;
  severity: "critical" | "warning" | "info";
  /** One line, e.g. "DOWN: web-1 (heartbeat missed)". */
  title: string;
  /** Plain text: what, since when, cause; never a credential. */
  text: string;
  /** Who reports it: the organization (backend) or the server (agent). Shown as a footer. */
  origin: string;
  /** The affected system (a server or monitor name), for providers that want one (PagerDuty's `source`). */
  subject?: string;
  /** The part of it that failed (a monitor or check), for PagerDuty's `component`. */
  component?: string;
  /** The incident's identity shared by both paths (@custos/protocol incident-key.ts). */
  incident_key?: string;
  /** The incident in the dashboard. */
  url?: string;
  /** One-click acknowledge link: a credential, shown to the recipient and nowhere else. */
  ack_url?: string;
  /** ISO time of the state reported (the incident's start, or its end for a recovery). */
  timestamp?: string;
  /**
   * The same for every attempt to deliver this one notification (an outbox row, an agent alert),
   * different for any other: providers that deduplicate retries (Matrix's txnId) use it.
   */
  notification_id: string;
}

/** The request a builder makes: the caller sends it with its own HTTP client. */
export interface NotifyRequest {
  method: "POST" | "PUT";
  /** May carry a credential (a webhook token, a bot token in the path): never log it. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export const ACK_NOTE = "(stops escalation and reminders)";

/** One emoji per event, so a phone's lock screen says what happened before it is read. */
export function eventEmoji(content: Pick<NotifyContent, "event" | "severity">): string {
  switch (content.event) {
    case "down":
    case "repeat":
      return content.severity === "critical" ? "🔴" : "🟠";
    case "restored":
      return "✅";
    case "acknowledged":
      return "👀";
    case "escalation":
      return "🚨";
    case "flapping":
      return "🔀";
    case "test":
      return "🧪";
    default:
      return content.severity === "critical" ? "🔴" : content.severity === "warning" ? "🟠" : "ℹ️";
  }
}

/** The plain text with the dashboard and acknowledge links under it, for channels without rich formatting. */
export function plainText(content: Pick<NotifyContent, "text" | "url" | "ack_url">): string {
  const text = content.url ? `${content.text}\n\n${content.url}` : content.text;
  return content.ack_url ? `${text}\n\nAcknowledge ${ACK_NOTE}: ${content.ack_url}` : text;
}

/** The first non-empty line of a text. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? ""
  );
}

/** Cuts a text to `max` characters (code points, so an emoji is never split), ending in "…". */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, max - 1)
    .join("")
    .trimEnd()}…`;
}

/** A URL as written when it parses as http(s), else undefined (a malformed link is left out, never sent). */
export function webLink(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A short, stable, non-secret digest of a text (64-bit FNV-1a, 16 hex digits): the same input
 * gives the same id in every runtime, synchronously. For identifiers, not for security.
 */
export function stableId(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0");
}

/** HTML's special characters escaped, for text put into an HTML body or attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
