/** The validated config in the shape the runtime uses (milliseconds, absolute paths). */
import type { LocalAlertChannel } from "@custos/protocol";
import type { AlertPolicy } from "../alerts/state-machine.ts";
import type { PluginDefinition } from "../plugins/types.ts";

export interface ResolvedMonitor {
  /** Unique in the file; also the check result's `monitor` unless a plugin sets sub-targets. */
  name: string;
  type: string;
  enabled: boolean;
  intervalMs: number;
  timeoutMs: number;
  /** The plugin's options, parsed by its configSchema. */
  options: unknown;
  plugin: PluginDefinition;
  /** Position in `monitors:` (for messages). */
  index: number;
}

export interface AgentSettings {
  file: string;
  apiKey: string;
  serverName: string;
  /** Backend base URL without a trailing slash; absent for an agent that runs on its own. */
  url?: string;
  heartbeatIntervalMs: number;
  pushIntervalMs: number;
  clockAligned: boolean;
  monitors: ResolvedMonitor[];
  localAlerts: {
    /** The thresholds and flapping damping of local alerts (the backend's too). */
    policy: AlertPolicy;
    backendUnreachableAfterMs: number;
    channels: LocalAlertChannel[];
  };
  dashboard: { enabled: boolean; port: number; bind: string };
  buffer: { maxAgeMs: number; maxBytes: number; path: string };
}
