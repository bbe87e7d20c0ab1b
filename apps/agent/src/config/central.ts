/**
 * Validates a central configuration document (decision 0037) with the very steps agent.yaml
 * goes through (load.ts): `${VAR}` substitution from the agent's environment (env-subst.ts),
 * the common monitor keys (MonitorEntry), each plugin's own schema with unknown keys refused
 * and unique names (monitors.ts). The document is written out as YAML so the same YAML-tree
 * tools apply. Anything wrong refuses the whole document, with every problem in the reason.
 */
import {
  CentralThreshold,
  configVersion,
  Duration,
  EffectiveConfig,
  MetricThreshold,
  MONITOR_COMMON_KEYS,
  MonitorEntry,
} from "@custos/protocol";
import { stringify as stringifyYaml } from "yaml";
import type { ConfigIssue } from "../errors.ts";
import type { PluginDefinition } from "../plugins/types.ts";
import { substituteEnv } from "./env-subst.ts";
import { fromZodIssues } from "./issues.ts";
import { resolveMonitors } from "./monitors.ts";
import type { ResolvedMonitor } from "./settings.ts";
import { type KeyPath, parseYamlSource } from "./yaml-source.ts";

/** A central threshold as the agent evaluates it (durations in milliseconds). */
export interface ResolvedThreshold {
  threshold: MetricThreshold;
  /** How long a breach must last before it is reported. */
  forMs: number | undefined;
}

export interface CentralSettings {
  version: string;
  monitors: ResolvedMonitor[];
  thresholds: ResolvedThreshold[];
}

export type CentralValidation = { ok: true; settings: CentralSettings } | { ok: false; reason: string };

interface ValidateOptions {
  plugins: Readonly<Record<string, PluginDefinition>>;
  env: Readonly<Record<string, string | undefined>>;
}

const REASON_MAX = 2000;
const COMMON = new Set<string>(MONITOR_COMMON_KEYS);

/** "monitors[2].url" -> "monitors[2].options.url": the path as the dashboard wrote the option. */
function centralPath(path: string): string {
  return path.replace(/^(monitors\[\d+\])\.([^.[]+)/, (whole, at: string, key: string) =>
    COMMON.has(key) || key === "options" ? whole : `${at}.options.${key}`,
  );
}

function refuse(issues: readonly ConfigIssue[]): { ok: false; reason: string } {
  const text = issues.map((issue) => `${centralPath(issue.path) || "document"}: ${issue.message}`).join("; ");
  return { ok: false, reason: text.length > REASON_MAX ? `${text.slice(0, REASON_MAX - 1)}…` : text };
}

export async function validateCentral(
  document: unknown,
  options: ValidateOptions,
): Promise<CentralValidation> {
  const doc = EffectiveConfig.safeParse(document);
  if (!doc.success)
    return { ok: false, reason: "not a central configuration document (version, monitors, thresholds)" };
  const { version, monitors, thresholds } = doc.data;
  if ((await configVersion({ monitors, thresholds })) !== version) {
    return { ok: false, reason: `the document does not match its version ${version.slice(0, 12)}` };
  }

  // monitors as agent.yaml writes them: the plugin's options beside the common keys
  const clashes: ConfigIssue[] = [];
  const flat = monitors.map((monitor, index) => {
    if (typeof monitor !== "object" || monitor === null) return monitor;
    const { options = {}, ...common } = monitor as { options?: object };
    for (const key of Object.keys(options).filter((k) => COMMON.has(k))) {
      clashes.push({
        file: "",
        path: `monitors[${index}].options.${key}`,
        message: "is a monitor key, not an option",
      });
    }
    return { ...options, ...common };
  });
  if (clashes.length > 0) return refuse(clashes);
  // written as YAML, a whole-value `${VAR}` comes out plain and is typed as agent.yaml types it
  const text = stringifyYaml({ monitors: flat, thresholds }, { aliasDuplicateObjects: false });
  const source = parseYamlSource(`central configuration ${version.slice(0, 12)}`, text);
  if (source.syntaxIssues.length > 0) return refuse(source.syntaxIssues);
  const envIssues = substituteEnv(source, options.env);
  if (envIssues.length > 0) return refuse(envIssues);
  const data = source.doc.toJS({ maxAliasCount: 0 }) as { monitors: unknown[]; thresholds: unknown[] };

  const issues: ConfigIssue[] = [];
  const entries: { index: number; path: KeyPath; entry: MonitorEntry }[] = [];
  data.monitors.forEach((raw, index) => {
    const path = ["monitors", index];
    const entry = MonitorEntry.safeParse(raw);
    if (entry.success) entries.push({ index, path, entry: entry.data });
    else issues.push(...fromZodIssues(entry.error.issues, { source, prefix: path }));
  });
  const resolved = resolveMonitors(entries, options.plugins, source);
  issues.push(...resolved.issues);

  const resolvedThresholds: ResolvedThreshold[] = [];
  data.thresholds.forEach((raw, index) => {
    const path = ["thresholds", index];
    const central = CentralThreshold.safeParse(raw);
    if (!central.success) {
      issues.push(...fromZodIssues(central.error.issues, { source, prefix: path }));
      return;
    }
    const { for: forText, ...rest } = central.data;
    const threshold = MetricThreshold.safeParse(rest);
    const forMs = forText === undefined ? undefined : Duration.safeParse(forText);
    if (!threshold.success) issues.push(...fromZodIssues(threshold.error.issues, { source, prefix: path }));
    else if (forMs?.success === false)
      issues.push(...fromZodIssues(forMs.error.issues, { source, prefix: [...path, "for"] }));
    else resolvedThresholds.push({ threshold: threshold.data, forMs: forMs?.data });
  });
  if (issues.length > 0) return refuse(issues);
  return { ok: true, settings: { version, monitors: resolved.monitors, thresholds: resolvedThresholds } };
}
