/**
 * docs/deploy-supabase.md is checked against the repository by scripts/check-deploy-guide.mjs
 * (paths, function secrets, the deployed function, pnpm filters, node scripts and their options,
 * routes, SQL objects, the schedule function it tells to run). The guide as committed must pass; a copy with an invented
 * secret, a missing path or without `select private.ensure_schedule();` must fail naming it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const SCRIPT = join(REPO, "scripts", "check-deploy-guide.mjs");
const GUIDE = join(REPO, "docs", "deploy-supabase.md");
const dir = mkdtempSync(join(tmpdir(), "custos-deploy-guide-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(guide?: string) {
  const args = guide === undefined ? [SCRIPT] : [SCRIPT, guide];
  const run = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A copy of the guide with `extra` appended, outside the repository. */
function copyWith(name: string, extra: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${readFileSync(GUIDE, "utf8")}\n${extra}\n`);
  return path;
}

describe("docs/deploy-supabase.md", () => {
  it("matches the repository", () => {
    const { status, output } = check();
    expect(output).toContain("matches the repository");
    expect(status).toBe(0);
  });

  it("fails naming a secret the api function does not read", () => {
    const guide = copyWith(
      "invented-secret.md",
      "```sh\nnpx supabase@2.117.0 secrets set CUSTOS_CRON_SECRET=x \\\n  CUSTOS_INVENTED_SETTING=1\n```",
    );
    const { status, output } = check(guide);
    expect(status).toBe(1);
    expect(output).toContain(
      "secrets set CUSTOS_INVENTED_SETTING: the api function never reads CUSTOS_INVENTED_SETTING",
    );
    expect(output).not.toMatch(/secrets set CUSTOS_CRON_SECRET/);
  });

  it("fails naming a path that does not exist", () => {
    const guide = copyWith(
      "missing-path.md",
      "The tick lives in `packages/backend/src/jobs/tick-nowhere.ts`.",
    );
    const { status, output } = check(guide);
    expect(status).toBe(1);
    expect(output).toContain("packages/backend/src/jobs/tick-nowhere.ts");
  });

  it("tells to publish the agent installer with the dashboard (scripts/publish-agent-downloads.mjs)", () => {
    expect(readFileSync(GUIDE, "utf8")).toMatch(
      /^\s*node scripts\/publish-agent-downloads\.mjs --api-url \S+ --dashboard-url \S+$/m,
    );
  });

  it("fails naming a node script that does not exist, or an option the script does not have", () => {
    const guide = copyWith(
      "node-scripts.md",
      "```sh\nnode scripts/publish-agent-download.mjs --api-url x\n" +
        "node scripts/publish-agent-downloads.mjs --supabase-url x --dashboard-url y\n```",
    );
    const { status, output } = check(guide);
    expect(status).toBe(1);
    expect(output).toContain("node scripts/publish-agent-download.mjs: no such file in the repository");
    expect(output).toContain(
      "node scripts/publish-agent-downloads.mjs --supabase-url: scripts/publish-agent-downloads.mjs has no option --supabase-url",
    );
    expect(output).not.toContain("--dashboard-url:");
  });

  it("fails when the guide no longer tells to run private.ensure_schedule()", () => {
    const path = join(dir, "no-ensure-schedule.md");
    const guide = readFileSync(GUIDE, "utf8");
    expect(guide).toContain("select private.ensure_schedule();");
    writeFileSync(path, guide.replaceAll("private.ensure_schedule", "private.make_schedule"));
    const { status, output } = check(path);
    expect(status).toBe(1);
    expect(output).toContain("the guide never tells to run `select private.ensure_schedule();`");
    // and the renamed function is one no migration creates
    expect(output).toContain("sql private.make_schedule: no migration creates it");
  });
});
