/**
 * The contract between the dispatcher and the notifiers. A notifier turns one message into one
 * delivery on one channel; it throws DeliveryError on failure, saying whether a retry can help.
 */
import type { NotificationChannelKind } from "@custos/protocol";

export type ChannelKind = NotificationChannelKind;

export interface NotificationMessage {
  /** down | restored | escalation | repeat | flapping | acknowledged | test */
  event: string;
  severity: "critical" | "warning" | "info";
  /** One line, e.g. "DOWN: web-1 (heartbeat missed)". */
  title: string;
  /** Plain-text body: what, since when, cause, duration for restored. */
  text: string;
  incident?: {
    id: string;
    subject_key: string;
    kind: string;
    title: string;
    cause: string | null;
    opened_at: string;
    resolved_at: string | null;
    /** for restored: how long it was down, in seconds */
    duration_seconds: number | null;
    server?: { id: string; name: string } | null;
    monitor?: { id: string; name: string } | null;
  };
  org: { id: string; name: string };
  /**
   * The incident's identity shared with the agent (@custos/protocol incidentKey): the agent's
   * own pages for the same incident carry the same key. Absent for a test notification.
   */
  incident_key?: string;
  /** Link to the incident in the dashboard, when the base URL is known. */
  url?: string;
  /**
   * One-click acknowledge link (GET shows a confirmation page, POST acknowledges), only on
   * events that page (down, flapping, escalation, repeat) of an open incident. It works without
   * a session, so it is a credential: notifiers put it in front of the recipient and nowhere else
   * (it is not in `text`, which the outbox keeps for the dashboard).
   */
  ack_url?: string;
  /**
   * The same on every attempt to deliver this notification (the outbox row), so a provider that
   * deduplicates retries (Matrix's txnId) can; absent for a test sent from the dashboard.
   */
  notification_id?: string;
}

export interface Channel {
  id: string;
  kind: ChannelKind;
  name: string;
  /** Non-secret settings (address, topic, phone number, URL without credentials). */
  config: Record<string, unknown>;
  /** Secrets (webhook URLs with tokens, passwords, auth tokens, HMAC keys). Never logged. */
  secret: Record<string, unknown>;
}

export class DeliveryError extends Error {
  /** false when retrying cannot help (e.g. 400/401/404 from the provider, bad config). */
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = "DeliveryError";
    this.retryable = retryable;
  }
}

/** Sends email over SMTP. Provided by custos-server (Node); absent in the Edge Function. */
export interface SmtpTransport {
  send(mail: { from: string; to: string[]; subject: string; text: string }): Promise<void>;
}

export interface NotifierEnv {
  fetch: typeof fetch;
  /** Base URLs are configurable so tests (and self-hosters behind proxies) can redirect them. */
  twilioBaseUrl: string;
  resendBaseUrl: string;
  /** The Bot API server; https://api.telegram.org when unset (a self-hosted Bot API server works too). */
  telegramBaseUrl?: string;
  /** https://api.pushover.net when unset. */
  pushoverBaseUrl?: string;
  /** https://events.pagerduty.com when unset (https://events.eu.pagerduty.com for EU accounts). */
  pagerdutyBaseUrl?: string;
  /** "smtp" (self-hosted default) or "resend" (Edge Functions cannot open SMTP ports). */
  emailTransport: "smtp" | "resend";
  smtp?: SmtpTransport;
  emailFrom: string;
  timeoutMs: number;
  /** Operator-wide Resend key (cloud); a channel's own `resend_api_key` secret wins. */
  resendApiKey?: string;
}

export type Notifier = (channel: Channel, message: NotificationMessage, env: NotifierEnv) => Promise<void>;
