/**
 * The config file as a YAML document that remembers where every node came from, so any
 * problem found later (by zod, by a plugin schema) is reported as file:line:column.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { ConfigIssue } from "../errors.ts";

export type KeyPath = readonly PropertyKey[];

export interface YamlSource {
  file: string;
  doc: ReturnType<typeof parseDocument>;
  lines: LineCounter;
  /** Issues for syntax errors (empty when the text parsed). */
  syntaxIssues: ConfigIssue[];
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntaxIssues = [...doc.errors].slice(0, 10).map((error) => {
    const pos = lines.linePos(error.pos[0]);
    return {
      file,
      line: pos.line,
      column: pos.col,
      path: "",
      message: `YAML syntax error: ${firstLine(error.message)}`,
    };
  });
  return { file, doc, lines, syntaxIssues };
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

/** "monitors[2].check_interval" */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/**
 * Where `path` points in the file: the key of the last map entry found (or the sequence item),
 * else the deepest container that exists (for a missing key, the map that should hold it).
 */
function locate(source: YamlSource, path: KeyPath): { line: number; column: number } | undefined {
  let node: unknown = source.doc.contents;
  let best: Node | undefined = isNodeLike(node) ? node : undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      best = isNodeLike(pair.key) ? pair.key : best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) break;
      best = isNodeLike(item) ? item : best;
      node = item;
    } else {
      break;
    }
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === "object" && value !== null && "range" in value;
}

/** An issue located at `path` in the file. */
export function issueAt(source: YamlSource, path: KeyPath, message: string): ConfigIssue {
  const pos = locate(source, path);
  return { file: source.file, line: pos?.line, column: pos?.column, path: formatKeyPath(path), message };
}
