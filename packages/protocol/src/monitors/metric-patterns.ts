/**
 * The prometheus monitor's allow-list matcher: exact names and `*` globs. Here rather than in the
 * agent because the options schema uses it too (a threshold on a metric the allow-list never
 * keeps is refused), and the backend validates those options exactly as the agent does.
 */

/** What the prometheus plugin reports about each scrape, labelled `{ target: <monitor name> }`. */
export const PROMETHEUS_META_METRICS = [
  "prometheus_scrape_duration_ms",
  "prometheus_series_kept",
  "prometheus_series_dropped",
  "prometheus_invalid_lines",
] as const;

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}

export interface CompiledMetricPatterns {
  (name: string): boolean;
  /** The entry that matched `name`, or undefined. */
  which(name: string): string | undefined;
}

/** A matcher for the allow-list: exact names by lookup, globs (`*`) by regular expression. */
export function compileMetricPatterns(patterns: readonly string[]): CompiledMetricPatterns {
  const exact = new Set(patterns.filter((p) => !p.includes("*")));
  const globs = patterns.filter((p) => p.includes("*")).map((p) => ({ pattern: p, re: globToRegExp(p) }));
  const which = (name: string) => {
    if (exact.has(name)) return name;
    return globs.find((g) => g.re.test(name))?.pattern;
  };
  const matcher = ((name: string) => which(name) !== undefined) as CompiledMetricPatterns;
  matcher.which = which;
  return matcher;
}
