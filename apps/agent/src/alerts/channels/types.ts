import type { LocalAlertChannel } from "@custos/protocol";
import type { StoredAlert } from "../../store/alerts.ts";

export interface AlertMessage {
  alert: StoredAlert;
  serverName: string;
  serverId: string | undefined;
  /** A one-click acknowledge link (ack-link.ts), on pages that have one. */
  ackUrl?: string;
}

/** Delivers one alert; throws when the channel did not accept it. */
export type Sender = (message: AlertMessage, signal: AbortSignal) => Promise<void>;

export interface Channel {
  /** Stable across restarts while the channel's config is unchanged (a hash, no secrets). */
  key: string;
  type: LocalAlertChannel["type"];
  /**
   * Keys of where it pages (@custos/protocol destinations.ts), reported to the backend with each
   * page so the backend does not page the same destination again for the same incident.
   */
  destinations: string[];
  send: Sender;
  close?(): void;
}
