/**
 * Resolves `monitors:` entries against the plugin registry: unknown types are errors that list
 * the known ones, each plugin's options are checked by its own schema (common keys stripped
 * first, aliases renamed), unknown option keys are errors, and names are unique.
 */
import { MONITOR_COMMON_KEYS, type MonitorEntry, MonitorName } from "@custos/protocol";
import { z } from "zod";
import type { ConfigIssue } from "../errors.ts";
import type { PluginDefinition } from "../plugins/types.ts";
import { fromZodIssues } from "./issues.ts";
import type { ResolvedMonitor } from "./settings.ts";
import { formatKeyPath, issueAt, type KeyPath, type YamlSource } from "./yaml-source.ts";

const COMMON = new Set<string>(MONITOR_COMMON_KEYS);
const DEFAULT_TIMEOUT_MS = 10_000;

export function resolveMonitors(
  entries: readonly { index: number; path: KeyPath; entry: MonitorEntry }[],
  plugins: Readonly<Record<string, PluginDefinition>>,
  source: YamlSource,
): { monitors: ResolvedMonitor[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const monitors: ResolvedMonitor[] = [];
  const known = Object.keys(plugins).sort();
  const seen = new Map<string, string>();

  for (const { index, path, entry } of entries) {
    const plugin = Object.hasOwn(plugins, entry.type) ? plugins[entry.type] : undefined;
    if (!plugin) {
      const list = known.length > 0 ? known.join(", ") : "none are installed";
      issues.push(
        issueAt(source, [...path, "type"], `unknown monitor type "${entry.type}" (known: ${list})`),
      );
      continue;
    }
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) if (!COMMON.has(key)) options[key] = value;
    const clash = renameAliases(options, plugin.aliases);
    if (clash) {
      issues.push(
        issueAt(
          source,
          [...path, clash.alias],
          `use either ${clash.alias}: or ${clash.canonical}:, not both`,
        ),
      );
      continue;
    }

    const shape =
      plugin.configSchema instanceof z.ZodObject ? Object.keys(plugin.configSchema.shape) : undefined;
    const knownKeys = () => [...MONITOR_COMMON_KEYS, ...(shape ?? [])];
    if (shape) {
      const unknown = Object.keys(options).filter((key) => !shape.includes(key));
      for (const key of unknown) {
        issues.push(issueAt(source, [...path, key], `unknown key (known keys: ${knownKeys().join(", ")})`));
      }
      if (unknown.length > 0) continue;
    }
    const parsed = plugin.configSchema.safeParse(options);
    if (!parsed.success) {
      issues.push(...fromZodIssues(parsed.error.issues, { source, prefix: path, knownKeys }));
      continue;
    }

    const name = entry.name ?? plugin.defaultName?.(parsed.data) ?? entry.type;
    const namePath = entry.name === undefined ? path : [...path, "name"];
    if (!MonitorName.safeParse(name).success) {
      issues.push(
        issueAt(
          source,
          namePath,
          `monitor name "${name}" is not valid (letters, digits, _ . : - /); set name:`,
        ),
      );
      continue;
    }
    const previous = seen.get(name);
    if (previous !== undefined) {
      issues.push(
        issueAt(
          source,
          namePath,
          `duplicate monitor name "${name}" (also ${previous}); give each a distinct name:`,
        ),
      );
      continue;
    }
    seen.set(name, formatKeyPath(path));

    const intervalMs = entry.check_interval ?? plugin.defaultIntervalMs;
    monitors.push({
      name,
      type: entry.type,
      enabled: entry.enabled,
      intervalMs,
      timeoutMs: entry.timeout ?? Math.min(intervalMs, DEFAULT_TIMEOUT_MS),
      options: parsed.data,
      plugin,
      index,
    });
  }
  return { monitors, issues };
}

/** Renames each alias the entry uses to its canonical key; the clash when both are given. */
function renameAliases(
  options: Record<string, unknown>,
  aliases: Readonly<Record<string, string>> | undefined,
): { alias: string; canonical: string } | undefined {
  for (const [alias, canonical] of Object.entries(aliases ?? {})) {
    if (!Object.hasOwn(options, alias)) continue;
    if (Object.hasOwn(options, canonical)) return { alias, canonical };
    options[canonical] = options[alias];
    delete options[alias];
  }
  return undefined;
}
