/**
 * Central monitor configuration (decision 0037): monitors and thresholds edited in the dashboard
 * for the whole organization, a tag (a group of servers) or one server, merged into one
 * effective document per server that its agent fetches, validates and applies.
 *
 * Stored and sent as written (durations stay "30s", options keep their `${VAR}` references):
 * the agent substitutes its own environment and parses the document with the very schemas
 * agent.yaml goes through, so the backend checks here what it can without the agent's
 * environment, with the same option schemas (MONITOR_OPTIONS) and the same paths.
 */
import { z } from "zod";
import { MetricLabels } from "./agent.ts";
import { MonitorName } from "./config.ts";
import { Duration } from "./duration.ts";
import { MetricThreshold, monitorOptionsSchema } from "./monitors/index.ts";
import { SafeText } from "./primitives.ts";

export const CONFIG_LIMITS = {
  maxMonitors: 200,
  maxThresholds: 100,
  maxTags: 20,
  maxReasonChars: 2000,
} as const;

/** A `${VAR}` reference the agent resolves from its own environment (env-subst.ts). */
const REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/;

/** True when the text holds a `${VAR}` reference: only the agent knows its value. */
export function holdsReference(value: unknown): boolean {
  return typeof value === "string" && REFERENCE.test(value);
}

/**
 * Option keys that hold credentials. Central configuration stores no secrets (decision 0037):
 * such a value must be a `${VAR}` reference, resolved on the agent from its environment.
 */
const SECRET_KEY =
  /pass(word)?|secret|token|credential|api_?key|private_?key|^connection$|^authorization$|^cookie$/i;
/** `scheme://user:password@host`: a password inside a URL. */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:([^/@\s]+)@/i;

/** Where an options tree holds a secret written in clear (paths relative to the options). */
export function clearSecrets(options: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(options)) return options.flatMap((item, index) => clearSecrets(item, [...path, index]));
  if (typeof options === "object" && options !== null) {
    return Object.entries(options).flatMap(([key, value]) => {
      const at = [...path, key];
      if (typeof value === "string" && SECRET_KEY.test(key) && !holdsReference(value)) return [at];
      return clearSecrets(value, at);
    });
  }
  if (typeof options === "string") {
    const password = URL_PASSWORD.exec(options)?.[1];
    if (password !== undefined && !holdsReference(password)) return [path];
  }
  return [];
}

/** A duration as written ("30s", or a number of seconds), kept as written. */
const DurationText = z.union([z.string().max(32), z.number()]).superRefine((value, ctx) => {
  if (!Duration.safeParse(value).success) {
    ctx.addIssue({
      code: "custom",
      message: `invalid duration ${JSON.stringify(value)} (use e.g. 30s, 5m, 1h)`,
    });
  }
});

/** The value at `path` inside `root`, for telling whether a refused value is a reference. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Where a tree holds a `__proto__` key (JSON.parse makes it an own key; copying it would not). */
function protoKeys(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => protoKeys(item, [...path, index]));
  return Object.entries(value).flatMap(([key, item]) =>
    key === "__proto__" ? [[...path, key]] : protoKeys(item, [...path, key]),
  );
}

/** A plugin's options as written: passed on untouched (the plugin's schema checks them). */
const Options = z
  .custom<Record<string, unknown>>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    "options must be a mapping (option: value)",
  )
  .superRefine((options, ctx) => {
    for (const at of protoKeys(options))
      ctx.addIssue({ code: "custom", path: at, message: "__proto__ is not an option" });
  });

export const CentralMonitor = z
  .strictObject({
    /** Plugin type: system, http, ping, docker, systemd, ... (MONITOR_OPTIONS). */
    type: z.string().min(1).max(64),
    /** Entries of the scopes are merged by name: a narrower scope replaces the whole entry. */
    name: MonitorName,
    enabled: z.boolean().optional(),
    check_interval: DurationText.optional(),
    timeout: DurationText.optional(),
    /** The plugin's own options (canonical keys, no agent.yaml aliases or list forms). */
    options: Options.default({}),
  })
  .superRefine((monitor, ctx) => {
    const schema = monitorOptionsSchema(monitor.type);
    if (!schema) {
      ctx.addIssue({ code: "custom", path: ["type"], message: `unknown monitor type "${monitor.type}"` });
      return;
    }
    const parsed = schema.safeParse(monitor.options);
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      // a `${VAR}` value is checked by the agent, after it substitutes its environment
      if (issue.path.length > 0 && holdsReference(valueAt(monitor.options, issue.path))) continue;
      ctx.addIssue({
        code: "custom",
        path: ["options", ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
        message:
          issue.code === "unrecognized_keys"
            ? `unknown option ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
            : issue.message,
      });
    }
    for (const at of clearSecrets(monitor.options)) {
      ctx.addIssue({
        code: "custom",
        path: ["options", ...at],
        message:
          "secrets are not stored centrally: write a ${VAR} reference the agent resolves from its environment",
      });
    }
  });
export type CentralMonitor = z.output<typeof CentralMonitor>;

/**
 * A threshold on any metric the server's monitors report: MetricThreshold (the shape the
 * app_metrics and prometheus monitors take) plus `for`, how long the breach must last.
 */
export const CentralThreshold = z
  .strictObject({
    metric: MonitorName,
    labels: MetricLabels.optional(),
    /** Check name; defaults to `threshold:<metric>`. */
    name: MonitorName.optional(),
    warn_above: z.number().finite().optional(),
    crit_above: z.number().finite().optional(),
    warn_below: z.number().finite().optional(),
    crit_below: z.number().finite().optional(),
    missing_after: DurationText.optional(),
    /** Report the breach only once it has lasted this long (e.g. "5m"). */
    for: DurationText.optional(),
  })
  .superRefine(({ for: _for, ...threshold }, ctx) => {
    const parsed = MetricThreshold.safeParse(threshold);
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      if (issue.code === "custom") ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    }
  });
export type CentralThreshold = z.output<typeof CentralThreshold>;

/** What two thresholds of one document must not share (the same rule as MetricThresholds). */
export function thresholdKey(t: Pick<CentralThreshold, "name" | "metric" | "labels">): string {
  return t.name ?? `${t.metric}${JSON.stringify(t.labels ?? {})}`;
}

function uniqueBy<T>(key: (item: T) => string, field: string, what: string) {
  return (list: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    list.forEach((item, index) => {
      const k = key(item);
      if (seen.has(k))
        ctx.addIssue({ code: "custom", path: [index, field], message: `two ${what} are named "${k}"` });
      seen.add(k);
    });
  };
}

const Monitors = z
  .array(CentralMonitor)
  .max(CONFIG_LIMITS.maxMonitors)
  .superRefine(uniqueBy((m: CentralMonitor) => m.name, "name", "monitors"));
const Thresholds = z
  .array(CentralThreshold)
  .max(CONFIG_LIMITS.maxThresholds)
  .superRefine(uniqueBy(thresholdKey, "name", "thresholds"));

/** The monitors and thresholds of one scope (PUT body; an empty one removes the scope's entry). */
export const ConfigEntry = z.strictObject({
  monitors: Monitors.default([]),
  thresholds: Thresholds.default([]),
});
export type ConfigEntry = z.output<typeof ConfigEntry>;

/** A tag on servers (a group that shares configuration): lower-case, digits, - and _. */
export const ServerTag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "tags use lower-case letters, digits, - and _");

export const ConfigScope = z.discriminatedUnion("scope", [
  z.strictObject({ scope: z.literal("org") }),
  z.strictObject({ scope: z.literal("tag"), tag: ServerTag }),
  z.strictObject({ scope: z.literal("server"), server_id: z.uuid() }),
]);
export type ConfigScope = z.output<typeof ConfigScope>;

/** PUT /monitor-config: one scope's whole entry. */
export const PutConfigRequest = z.intersection(ConfigScope, ConfigEntry);
export type PutConfigRequest = z.output<typeof PutConfigRequest>;

export const ConfigScopeItem = z.object({
  scope: z.enum(["org", "tag", "server"]),
  tag: z.string().nullable(),
  server_id: z.string().nullable(),
  monitors: z.array(CentralMonitor),
  thresholds: z.array(CentralThreshold),
  updated_at: z.string(),
});
export type ConfigScopeItem = z.output<typeof ConfigScopeItem>;
export const ConfigScopeList = z.object({ entries: z.array(ConfigScopeItem) });
export type ConfigScopeList = z.output<typeof ConfigScopeList>;

export const ServerTagsRequest = z.strictObject({
  tags: z
    .array(ServerTag)
    .max(CONFIG_LIMITS.maxTags)
    .refine((tags) => new Set(tags).size === tags.length, "a tag is listed twice"),
});
export type ServerTagsRequest = z.output<typeof ServerTagsRequest>;
export const ServerTagsResponse = z.object({ server_id: z.string(), tags: z.array(z.string()) });
export type ServerTagsResponse = z.output<typeof ServerTagsResponse>;

/** The document an agent applies: the merged monitors and thresholds and their version. */
export const EffectiveConfig = z.object({
  /** sha256 (hex) of the canonical JSON of `{ monitors, thresholds }` (configVersion). */
  version: z.string().regex(/^[0-9a-f]{64}$/),
  monitors: z.array(z.unknown()),
  thresholds: z.array(z.unknown()),
});
export type EffectiveConfig = z.output<typeof EffectiveConfig>;

/** POST /agent/config: which server asks. */
export const ConfigRequest = z.strictObject({ server_id: z.uuid() });
export type ConfigRequest = z.output<typeof ConfigRequest>;

/** POST /agent/config/report: what the agent did with a version. */
export const ConfigReport = z
  .strictObject({
    server_id: z.uuid(),
    version: z.string().regex(/^[0-9a-f]{64}$/),
    status: z.enum(["applied", "refused"]),
    /** Why a refused document was refused (the agent's config issues). */
    reason: SafeText.min(1).max(CONFIG_LIMITS.maxReasonChars).optional(),
    /** Monitors agent.yaml defines: they win over central ones of the same name. */
    local_monitors: z.array(MonitorName).max(CONFIG_LIMITS.maxMonitors).default([]),
  })
  .superRefine((report, ctx) => {
    if (report.status === "refused" && report.reason === undefined)
      ctx.addIssue({ code: "custom", path: ["reason"], message: "a refusal needs a reason" });
  });
export type ConfigReport = z.output<typeof ConfigReport>;

/** Where an effective entry came from: "org", "tag:<tag>" or "server". */
const Source = z.string();

/** GET /servers/:server_id/monitor-config: the effective document, its sources and the agent's word. */
export const ServerConfigView = z.object({
  server_id: z.string(),
  tags: z.array(z.string()),
  version: z.string(),
  monitors: z.array(z.object({ source: Source, monitor: CentralMonitor })),
  thresholds: z.array(z.object({ source: Source, threshold: CentralThreshold })),
  agent: z
    .object({
      applied_version: z.string().nullable(),
      refused_version: z.string().nullable(),
      refused_reason: z.string().nullable(),
      local_monitors: z.array(z.string()),
      reported_at: z.string(),
    })
    .nullable(),
  /** The agent reported applying the current version. */
  in_sync: z.boolean(),
});
export type ServerConfigView = z.output<typeof ServerConfigView>;

/** JSON with object keys sorted at every level: the same document always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The version of a document: sha256 (hex) of its canonical JSON (Web Crypto: Node and Deno). */
export async function configVersion(doc: { monitors: unknown[]; thresholds: unknown[] }): Promise<string> {
  const text = canonicalJson({ monitors: doc.monitors, thresholds: doc.thresholds });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
