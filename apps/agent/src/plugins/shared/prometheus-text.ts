/**
 * A small, pure parser for the Prometheus text exposition format (version 0.0.4), shared by the
 * minio plugin (`/minio/v2/metrics/cluster`) and the prometheus plugin (any application's
 * `/metrics`): `# HELP` / `# TYPE` and other comments, label sets with escaped values (`\\`,
 * `\"`, `\n`), special values (`NaN`, `+Inf`, `-Inf`, in any case as Go's ParseFloat reads them)
 * and optional timestamps. A line it cannot read is reported in `invalid` and skipped, never
 * thrown, so one odd line does not hide every other metric.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  timestampMs?: number;
}

export interface PromParseResult {
  samples: PromSample[];
  /** metric name -> type from `# TYPE` lines (counter, gauge, histogram, summary, untyped). */
  types: Record<string, string>;
  /** 1-based line numbers that could not be parsed, with the reason. */
  invalid: { line: number; reason: string }[];
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;

export function parsePrometheusText(text: string): PromParseResult {
  const result: PromParseResult = { samples: [], types: {}, invalid: [] };
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? "";
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === "") continue;
    if (trimmed.startsWith("#")) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(trimmed);
      if (type?.[1] && type[2]) result.types[type[1]] = type[2];
      continue;
    }
    try {
      result.samples.push(parseSampleLine(trimmed));
    } catch (error) {
      result.invalid.push({ line: index + 1, reason: (error as Error).message });
    }
  }
  return result;
}

function parseSampleLine(line: string): PromSample {
  let pos = 0;
  const first = line[pos];
  if (first === undefined || !NAME_START.test(first)) throw new Error("expected a metric name");
  while (pos < line.length && NAME_CHAR.test(line[pos] as string)) pos++;
  const name = line.slice(0, pos);
  const labels: Record<string, string> = {};

  pos = skipSpaces(line, pos);
  if (line[pos] === "{") {
    pos++;
    for (;;) {
      pos = skipSpaces(line, pos);
      if (line[pos] === "}") {
        pos++;
        break;
      }
      const labelStart = pos;
      if (!LABEL_START.test(line[pos] ?? "")) throw new Error(`bad label name at column ${pos + 1}`);
      while (pos < line.length && LABEL_CHAR.test(line[pos] as string)) pos++;
      const labelName = line.slice(labelStart, pos);
      pos = skipSpaces(line, pos);
      if (line[pos] !== "=") throw new Error(`expected '=' after label ${labelName}`);
      pos = skipSpaces(line, pos + 1);
      if (line[pos] !== '"') throw new Error(`expected a quoted value for label ${labelName}`);
      pos++;
      let value = "";
      for (;;) {
        const ch = line[pos];
        if (ch === undefined) throw new Error(`unterminated value for label ${labelName}`);
        if (ch === '"') {
          pos++;
          break;
        }
        if (ch === "\\") {
          const next = line[pos + 1];
          if (next === "n") value += "\n";
          else if (next === "\\" || next === '"') value += next;
          else if (next === undefined) throw new Error(`unterminated value for label ${labelName}`);
          else value += `\\${next}`;
          pos += 2;
          continue;
        }
        value += ch;
        pos++;
      }
      labels[labelName] = value;
      pos = skipSpaces(line, pos);
      if (line[pos] === ",") {
        pos++;
        continue;
      }
      if (line[pos] === "}") {
        pos++;
        break;
      }
      throw new Error(`expected ',' or '}' after label ${labelName}`);
    }
  }

  const rest = line.slice(pos).trim().split(/\s+/);
  const valueText = rest[0];
  if (valueText === undefined || valueText === "") throw new Error(`no value for ${name}`);
  const value = parseValue(valueText);
  if (value === undefined) throw new Error(`bad value '${valueText}' for ${name}`);
  const sample: PromSample = { name, labels, value };
  if (rest.length > 2) throw new Error(`unexpected text after the value of ${name}`);
  if (rest[1] !== undefined) {
    const ts = Number(rest[1]);
    if (!Number.isInteger(ts)) throw new Error(`bad timestamp '${rest[1]}' for ${name}`);
    sample.timestampMs = ts;
  }
  return sample;
}

function parseValue(text: string): number | undefined {
  // Exporters write these as Go's strconv.FormatFloat does ("NaN", "+Inf"), but some emit "nan"
  // or "inf" (Envoy); the reference parser accepts any case, and so does this one.
  switch (text.toLowerCase()) {
    case "nan":
      return Number.NaN;
    case "+inf":
    case "inf":
    case "+infinity":
    case "infinity":
      return Number.POSITIVE_INFINITY;
    case "-inf":
    case "-infinity":
      return Number.NEGATIVE_INFINITY;
  }
  // Number("") and Number("0x1") are numbers in JS but not in the exposition format.
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function skipSpaces(line: string, pos: number): number {
  while (line[pos] === " " || line[pos] === "\t") pos++;
  return pos;
}
