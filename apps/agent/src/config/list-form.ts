/**
 * A plugin's list form: one `monitors:` entry that lists several targets under one key, as the
 * product brief's own sample writes it (`type: http` with `endpoints: [{url, expected_status,
 * check_interval}, ...]`). Each item, merged over the entry's other keys, becomes one monitor
 * entry of its own, located at `monitors[i].<key>[j]` for error messages.
 */
import type { ConfigIssue } from "../errors.ts";
import type { PluginDefinition } from "../plugins/types.ts";
import { issueAt, type KeyPath, type YamlSource } from "./yaml-source.ts";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

interface ExpandedEntry {
  /** The entry's position in `monitors:`. */
  index: number;
  /** Where its keys are reported: `monitors[i]`, or `monitors[i].<key>[j]` for a list item. */
  path: KeyPath;
  raw: unknown;
}

export function expandListForm(
  raw: unknown,
  index: number,
  plugins: Readonly<Record<string, PluginDefinition>>,
  source: YamlSource,
): { entries: ExpandedEntry[]; issues: ConfigIssue[] } {
  const path: KeyPath = ["monitors", index];
  const single = { entries: [{ index, path, raw }], issues: [] };
  if (!isRecord(raw) || typeof raw.type !== "string" || !Object.hasOwn(plugins, raw.type)) return single;
  const key = plugins[raw.type]?.listForm;
  if (!key || !Object.hasOwn(raw, key)) return single;
  const { [key]: list, ...shared } = raw;
  const refuse = (at: KeyPath, message: string) => ({ entries: [], issues: [issueAt(source, at, message)] });
  if (!Array.isArray(list) || list.length === 0 || !list.every(isRecord))
    return refuse([...path, key], `expected a list of ${key}, each a mapping (- url: ...)`);
  if (shared.name !== undefined)
    return refuse([...path, "name"], `name: applies to one monitor; give each of the ${key} its own name:`);
  return {
    entries: list.map((item, j) => ({ index, path: [...path, key, j], raw: { ...shared, ...item } })),
    issues: [],
  };
}
