/**
 * Pure: the effective configuration of one server from the entries of its scopes. Org-wide
 * defaults, then each of the server's tags (in tag order, so two tags defining one monitor
 * resolve the same way every time), then the server's own entry; a narrower scope replaces a
 * wider one's monitor of the same name (or threshold of the same key) as a whole.
 */
import { type CentralMonitor, type CentralThreshold, configVersion, thresholdKey } from "@custos/protocol";

export interface ScopeEntry {
  scope: "org" | "tag" | "server";
  tag: string | null;
  monitors: CentralMonitor[];
  thresholds: CentralThreshold[];
}

export interface MergedConfig {
  version: string;
  monitors: { source: string; monitor: CentralMonitor }[];
  thresholds: { source: string; threshold: CentralThreshold }[];
}

const RANK = { org: 0, tag: 1, server: 2 } as const;

function sourceOf(entry: ScopeEntry): string {
  return entry.scope === "tag" ? `tag:${entry.tag}` : entry.scope;
}

export async function mergeConfig(entries: readonly ScopeEntry[]): Promise<MergedConfig> {
  const ordered = [...entries].sort(
    (a, b) => RANK[a.scope] - RANK[b.scope] || (a.tag ?? "").localeCompare(b.tag ?? ""),
  );
  const monitors = new Map<string, { source: string; monitor: CentralMonitor }>();
  const thresholds = new Map<string, { source: string; threshold: CentralThreshold }>();
  for (const entry of ordered) {
    const source = sourceOf(entry);
    for (const monitor of entry.monitors) {
      monitors.delete(monitor.name); // an override takes the place of the narrower scope, at the end
      monitors.set(monitor.name, { source, monitor });
    }
    for (const threshold of entry.thresholds) {
      const key = thresholdKey(threshold);
      thresholds.delete(key);
      thresholds.set(key, { source, threshold });
    }
  }
  const merged = { monitors: [...monitors.values()], thresholds: [...thresholds.values()] };
  const version = await configVersion({
    monitors: merged.monitors.map((m) => m.monitor),
    thresholds: merged.thresholds.map((t) => t.threshold),
  });
  return { version, ...merged };
}
