/** Turns zod issues into config issues that name the file, the line and the key. */
import type { z } from "zod";
import type { ConfigIssue } from "../errors.ts";
import { issueAt, type KeyPath, type YamlSource } from "./yaml-source.ts";

type ZodIssue = z.ZodError["issues"][number];

interface IssueContext {
  source: YamlSource;
  /** Prepended to every issue path (e.g. ["monitors", 2] for a plugin's options). */
  prefix?: KeyPath;
  /** Keys allowed at a path, to list them when an unknown key is found. */
  knownKeys?: (path: KeyPath) => readonly string[] | undefined;
}

export function fromZodIssues(issues: readonly ZodIssue[], context: IssueContext): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = [...(context.prefix ?? []), ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const known = context.knownKeys?.(path);
      const hint = known && known.length > 0 ? ` (known keys: ${known.join(", ")})` : "";
      for (const key of issue.keys) out.push(issueAt(context.source, [...path, key], `unknown key${hint}`));
      continue;
    }
    out.push(issueAt(context.source, path, describe(issue)));
  }
  return out;
}

function describe(issue: ZodIssue): string {
  if (issue.code === "invalid_type" && / received undefined$/.test(issue.message))
    return "missing required key";
  if (issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options)) {
    return `unknown type (known: ${issue.options.map(String).join(", ")})`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}
