/**
 * Reads and validates agent.yaml. Every problem is reported as `file:line:column: key.path:
 * message`, and a config with any problem is refused as a whole (ConfigError).
 */
import { readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { AgentConfigFile, MonitorEntry } from "@custos/protocol";
import { ConfigError, type ConfigIssue } from "../errors.ts";
import type { PluginDefinition } from "../plugins/types.ts";
import { substituteEnv } from "./env-subst.ts";
import { fromZodIssues } from "./issues.ts";
import { expandListForm } from "./list-form.ts";
import { resolveMonitors } from "./monitors.ts";
import { DEFAULT_STATE_PATH, MAX_CONFIG_BYTES } from "./paths.ts";
import type { AgentSettings } from "./settings.ts";
import { issueAt, type KeyPath, parseYamlSource } from "./yaml-source.ts";

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

interface LoadOptions {
  plugins: Readonly<Record<string, PluginDefinition>>;
  env: Readonly<Record<string, string | undefined>>;
}

export function loadConfig(file: string, options: LoadOptions): AgentSettings {
  const path = resolve(file);
  return parseConfig(path, readConfigText(path), options);
}

function readConfigText(path: string): string {
  const fail = (message: string): never => {
    throw new ConfigError([{ file: path, path: "", message }]);
  };
  let size = 0;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) fail("not a regular file");
    size = stat.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === "ENOENT"
        ? "config file not found (pass --config or run `custos-agent register`)"
        : `cannot read: ${code}`,
    );
  }
  if (size > MAX_CONFIG_BYTES) fail(`config file is ${size} bytes; the limit is ${MAX_CONFIG_BYTES} (1 MB)`);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    return fail(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function parseConfig(path: string, text: string, options: LoadOptions): AgentSettings {
  const source = parseYamlSource(path, text);
  if (source.syntaxIssues.length > 0) throw new ConfigError(source.syntaxIssues);
  if (source.doc.contents === null)
    throw new ConfigError([{ file: path, path: "", message: "config file is empty" }]);

  const envIssues = substituteEnv(source, options.env);
  if (envIssues.length > 0) throw new ConfigError(envIssues);

  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError([{ file: path, path: "", message: `YAML error: ${(error as Error).message}` }]);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError([
      {
        file: path,
        line: 1,
        column: 1,
        path: "",
        message: "expected a mapping of keys (api_key: ..., url: ...)",
      },
    ]);
  }

  // The top level and each monitor entry are checked separately so one run reports them all.
  const topKeys = Object.keys(AgentConfigFile.shape);
  const record = data as Record<string, unknown>;
  const rawMonitors = record.monitors ?? [];
  const issues: ConfigIssue[] = [];
  const top = AgentConfigFile.safeParse({ ...record, monitors: [] });
  if (!top.success) {
    issues.push(
      ...fromZodIssues(top.error.issues, {
        source,
        knownKeys: (at) => (at.length === 0 ? topKeys : undefined),
      }),
    );
  }
  const entries: { index: number; path: KeyPath; entry: MonitorEntry }[] = [];
  if (!Array.isArray(rawMonitors)) {
    issues.push(issueAt(source, ["monitors"], "expected a list of monitors (- type: ...)"));
  } else {
    rawMonitors.forEach((raw, index) => {
      const expanded = expandListForm(raw, index, options.plugins, source);
      issues.push(...expanded.issues);
      for (const { path, raw: item } of expanded.entries) {
        const entry = MonitorEntry.safeParse(item);
        if (entry.success) entries.push({ index, path, entry: entry.data });
        else issues.push(...fromZodIssues(entry.error.issues, { source, prefix: path }));
      }
    });
  }
  const resolved = resolveMonitors(entries, options.plugins, source);
  issues.push(...resolved.issues);
  if (issues.length > 0 || !top.success) throw new ConfigError(sortIssues(issues));
  const config = top.data;
  const monitors = resolved.monitors;

  return {
    file: path,
    apiKey: config.api_key,
    serverName: config.server_name ?? hostname(),
    ...(config.url ? { url: config.url.replace(/\/+$/, "") } : {}),
    heartbeatIntervalMs: config.heartbeat_interval,
    pushIntervalMs: config.metrics_push_interval,
    clockAligned: config.clock_aligned,
    monitors,
    localAlerts: {
      policy: {
        failuresToOpen: config.local_alerts.failures_before_alert,
        successesToResolve: config.local_alerts.successes_before_restore,
        flapThreshold: config.local_alerts.flapping.changes,
        flapWindowMs: config.local_alerts.flapping.window,
      },
      backendUnreachableAfterMs: config.local_alerts.backend_unreachable_after,
      channels: config.local_alerts.channels,
    },
    dashboard: config.local_dashboard,
    buffer: {
      maxAgeMs: config.buffer.max_age,
      maxBytes: config.buffer.max_bytes,
      path: config.buffer.path ? resolve(dirname(path), config.buffer.path) : DEFAULT_STATE_PATH,
    },
  };
}
