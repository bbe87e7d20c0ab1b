/** Writes the judge's verdicts: a table on stdout and JSON under test-artifacts/chaos/. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatSummary, formatVerdict, type Verdict } from "./judge.ts";

const DIR = fileURLToPath(new URL("../../../../test-artifacts/chaos/", import.meta.url));

export function writeReport(file: string, verdicts: Verdict[], known: Record<string, string | undefined>) {
  mkdirSync(DIR, { recursive: true });
  const text = [...verdicts.map(formatVerdict), formatSummary(verdicts)].join("\n\n");
  const report = {
    generatedAt: new Date().toISOString(),
    checkout: checkout(),
    summary: verdicts.map((v) => ({
      scenario: v.scenario,
      pass: v.pass,
      knownFailure: known[v.scenario] ?? null,
      false: v.findings.filter((f) => f.kind === "false").length,
      missed: v.findings.filter((f) => f.kind === "missed").length,
      duplicate: v.findings.filter((f) => f.kind === "duplicate").length,
      late: v.findings.filter((f) => f.kind === "late").length,
      noAck: v.findings.filter((f) => f.kind === "no-ack").length,
    })),
    scenarios: verdicts,
  };
  writeFileSync(`${DIR}${file}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${DIR}${file}.txt`, `${text}\n`);
  console.log(text);
  return `${DIR}${file}.json`;
}

/** Which code ran: the commit and the files that differed from it (a shared checkout moves). */
function checkout() {
  const root = fileURLToPath(new URL("../../../../", import.meta.url));
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    } catch {
      return null;
    }
  };
  return {
    root,
    commit: git("rev-parse", "HEAD") ?? process.env.CHAOS_COMMIT ?? null,
    dirty: git("status", "--short")?.split("\n").filter(Boolean) ?? null,
  };
}
