/**
 * Pure parser for StatsD lines as etsy/statsd and DogStatsD clients send them:
 *
 *   <name>:<value>|<type>[|@<sample rate>][|#<tag>[:<value>],...]
 *
 * types c (counter), g (gauge; "+3"/"-3" change it), ms / h / d (timings), s (set). A datagram
 * holds lines separated by "\n"; a line may carry several values (`name:1|c:2|c`). Names are
 * cleaned the way statsd does (spaces to "_", other characters the wire refuses removed) and
 * DogStatsD tags become labels. A line that cannot be read is reported, never thrown.
 */

export type StatsdType = "c" | "g" | "ms" | "s";

export interface StatsdMetric {
  name: string;
  type: StatsdType;
  /** Counter increment, gauge value or change, timing (ms). NaN for sets (see `member`). */
  value: number;
  /** Gauge only: true when the value was written with an explicit sign (a change). */
  delta: boolean;
  /** Sampling rate (0, 1]: a counter's increment and a timer's count are divided by it. */
  rate: number;
  /** Set only: the member counted once per interval. */
  member?: string;
  labels?: Record<string, string>;
}

type StatsdLine = { ok: true; metrics: StatsdMetric[] } | { ok: false; reason: string };

const TYPES: Record<string, StatsdType> = { c: "c", g: "g", ms: "ms", h: "ms", d: "ms", s: "s" };
const NAME_BAD = /[^A-Za-z0-9_.\-/]/g;
const LABEL_BAD = /[^A-Za-z0-9_]/g;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** The wire allows 200; timers add up to 6 (".count", ".mean"). */
const MAX_NAME = 194;

/** Splits a datagram into lines and parses each; empty lines are skipped. */
export function parseStatsdDatagram(text: string): StatsdLine[] {
  const lines: StatsdLine[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    if (line !== "") lines.push(parseStatsdLine(line));
    start = end + 1;
  }
  return lines;
}

export function parseStatsdLine(line: string): StatsdLine {
  const colon = line.indexOf(":");
  if (colon <= 0) return { ok: false, reason: "no name:value" };
  const name = cleanName(line.slice(0, colon));
  if (name === "") return { ok: false, reason: "empty name" };
  if (name.length > MAX_NAME) return { ok: false, reason: `name longer than ${MAX_NAME}` };

  // "1|c|@0.5|#a:b" or, for multi-value lines, "1|c:2|ms" (tags and rate belong to each part)
  const metrics: StatsdMetric[] = [];
  for (const part of splitValues(line.slice(colon + 1))) {
    const fields = part.split("|");
    const rawValue = fields[0] ?? "";
    const type = TYPES[fields[1] ?? ""];
    if (!type) return { ok: false, reason: `unknown type ${JSON.stringify(fields[1] ?? "")}` };
    let rate = 1;
    let labels: Record<string, string> | undefined;
    for (const field of fields.slice(2)) {
      if (field.startsWith("@")) {
        rate = Number(field.slice(1));
        if (!(rate > 0 && rate <= 1)) return { ok: false, reason: `bad sample rate ${field}` };
      } else if (field.startsWith("#")) {
        labels = parseTags(field.slice(1));
      }
      // other DogStatsD fields (c: container, T timestamp) are ignored
    }
    const metric: StatsdMetric = { name, type, value: Number.NaN, delta: false, rate };
    if (labels) metric.labels = labels;
    if (type === "s") {
      if (rawValue === "") return { ok: false, reason: "empty set member" };
      metric.member = rawValue;
    } else {
      if (!NUMBER.test(rawValue))
        return { ok: false, reason: `bad value ${JSON.stringify(rawValue.slice(0, 40))}` };
      metric.value = Number(rawValue);
      if (!Number.isFinite(metric.value)) return { ok: false, reason: "value out of range" };
      metric.delta = type === "g" && (rawValue[0] === "+" || rawValue[0] === "-");
      if (type === "ms" && metric.value < 0) return { ok: false, reason: "negative timing" };
    }
    metrics.push(metric);
  }
  return { ok: true, metrics };
}

/** "1|c:2|c" -> ["1|c", "2|c"]; a ":" inside the tags field belongs to a tag, not a new value. */
function splitValues(rest: string): string[] {
  const hash = rest.indexOf("|#");
  if (hash === -1) return rest.split(":");
  const head = rest.slice(0, hash);
  const tags = rest.slice(hash);
  const parts = head.split(":");
  return parts.map((part, index) => (index === parts.length - 1 ? part + tags : part));
}

function cleanName(raw: string): string {
  return raw.trim().replace(/\s+/g, "_").replace(NAME_BAD, "");
}

/** "env:prod,region:eu,canary" -> { env: "prod", region: "eu", canary: "" } (at most 16). */
function parseTags(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let count = 0;
  for (const tag of text.split(",")) {
    if (tag === "" || count >= 16) continue;
    const colon = tag.indexOf(":");
    let key = (colon === -1 ? tag : tag.slice(0, colon)).replace(LABEL_BAD, "_").slice(0, 64);
    if (key === "") continue;
    if (/^[0-9]/.test(key)) key = `_${key}`;
    labels[key] = colon === -1 ? "" : tag.slice(colon + 1).slice(0, 200);
    count++;
  }
  return count > 0 ? labels : undefined;
}
