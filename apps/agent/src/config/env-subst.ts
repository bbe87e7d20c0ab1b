/**
 * `${VAR}` substitution in the config's values (never in keys), done on the YAML tree so the
 * line numbers stay right. `${VAR:-default}` gives a fallback, `$${...}` is a literal `${...}`.
 * A plain (unquoted) value that is exactly one `${VAR}` is typed as YAML would type it
 * (`port: ${SMTP_PORT}` becomes a number); quote it to keep a string.
 */
import { isMap, isPair, isScalar, isSeq, parse as parseYaml, type Scalar } from "yaml";
import type { ConfigIssue } from "../errors.ts";
import { issueAt, type KeyPath, type YamlSource } from "./yaml-source.ts";

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export function substituteEnv(
  source: YamlSource,
  env: Readonly<Record<string, string | undefined>>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, path: KeyPath) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isPair(pair) && isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        walk(item, [...path, index]);
      });
    } else if (isScalar(node) && typeof node.value === "string" && node.value.includes("${")) {
      substituteScalar(node, path);
    }
  };
  const substituteScalar = (node: Scalar, path: KeyPath) => {
    const text = node.value as string;
    let failed = false;
    const replaced = text.replace(REFERENCE, (_match, escaped: string, inner: string) => {
      if (escaped) return `\${${inner}}`;
      const parts = NAME.exec(inner);
      if (!parts) {
        issues.push(issueAt(source, path, `invalid variable reference \${${inner}}`));
        failed = true;
        return "";
      }
      const [, name = "", fallback] = parts;
      const value = env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      issues.push(issueAt(source, path, `environment variable ${name} is not set`));
      failed = true;
      return "";
    });
    if (failed) return;
    const whole = /^\$\{[^}]*\}$/.test(text);
    node.value = whole && node.type === "PLAIN" ? retype(replaced) : replaced;
  };
  walk(source.doc.contents, []);
  return issues;
}

function retype(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return typeof value === "number" || typeof value === "boolean" ? value : text;
  } catch {
    return text;
  }
}
