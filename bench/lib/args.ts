import { join } from "node:path";

/**
 * Flags of the benchmark scripts: `--name value` or `--name=value`; every flag can also come from
 * the environment as BENCH_<NAME> (dashes become underscores), e.g. BENCH_DURATION=60.
 */
export function readFlags(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("BENCH_") && value !== undefined && value !== "") {
      flags.set(key.slice(6).toLowerCase().replaceAll("_", "-"), value);
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg} (flags look like --duration 30)`);
    const eq = arg.indexOf("=");
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) flags.set(arg.slice(2), "true");
    else {
      flags.set(arg.slice(2), next);
      i++;
    }
  }
  return flags;
}

/** The flags of this process (as readFlags); with --help, prints `usage` and exits 0. */
export function readFlagsOrUsage(usage: string): Map<string, string> {
  const flags = readFlags(process.argv.slice(2));
  if (flags.has("help")) {
    console.log(usage);
    process.exit(0);
  }
  return flags;
}

/** --results: the file the results section is appended to (default bench/RESULTS.md), or "none". */
export function resultsFlag(flags: Map<string, string>): string {
  return flags.get("results") ?? join(import.meta.dirname, "..", "RESULTS.md");
}

export function numberFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${raw}`);
  return n;
}

export function listFlag(flags: Map<string, string>, name: string, fallback: number[]): number[] {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const list = raw.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`--${name} must be a comma-separated list of positive integers, got ${raw}`);
  }
  return list;
}

export function choiceFlag<T extends string>(
  flags: Map<string, string>,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw))
    throw new Error(`--${name} must be one of ${choices.join(", ")}, got ${raw}`);
  return raw as T;
}

export function boolFlag(flags: Map<string, string>, name: string, fallback: boolean): boolean {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  if (["true", "1", "yes", "on"].includes(raw)) return true;
  if (["false", "0", "no", "off"].includes(raw)) return false;
  throw new Error(`--${name} must be true or false, got ${raw}`);
}
