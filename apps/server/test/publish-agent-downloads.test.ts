/**
 * scripts/publish-agent-downloads.mjs, run as a user runs it (plain Node, a child process) on a
 * dashboard export and agent binaries in temporary directories: bad arguments and missing builds
 * stop it before anything is written; a good run writes the templated install.sh and copies the
 * binaries with their sums. The installer it writes, run against real servers, is
 * cloud-install.test.ts.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, THIS_ARCH } from "./helpers/agent-binary.ts";
import { tempDirsRemovedAfterAll } from "./helpers/temp-dirs.ts";

const SCRIPT = join(REPO, "scripts", "publish-agent-downloads.mjs");
const INSTALL_SH = readFileSync(join(REPO, "install.sh"), "utf8");
const HOST = THIS_ARCH;
const OTHER = HOST === "x64" ? "arm64" : "x64";
const API = "https://abc.supabase.co";
const DASHBOARD = "https://custos.example.com";

const tempDir = tempDirsRemovedAfterAll();

/** A dashboard export (index.html only) and a dist with fake binaries for `arches`. */
function fixture(arches: string[] = [HOST, OTHER]) {
  const out = tempDir("custos-publish-out-");
  writeFileSync(join(out, "index.html"), "<!doctype html><title>Custos</title>\n");
  const dist = tempDir("custos-publish-dist-");
  for (const arch of arches) {
    const name = `custos-agent-linux-${arch}`;
    const bytes = randomBytes(4096);
    writeFileSync(join(dist, name), bytes, { mode: 0o755 });
    writeFileSync(
      join(dist, `${name}.sha256`),
      `${createHash("sha256").update(bytes).digest("hex")}  ${name}\n`,
    );
  }
  return { out, dist };
}

/** Every path below dir, for "nothing was written" comparisons. */
function listing(dir: string, sub = ""): string[] {
  return readdirSync(join(dir, sub)).flatMap((entry) => {
    const path = join(sub, entry);
    return lstatSync(join(dir, path)).isDirectory() ? [`${path}/`, ...listing(dir, path)] : [path];
  });
}

/** Both URLs given as `--flag=value`, and the two directories. */
function urlsAndDirs({ out, dist }: { out: string; dist: string }): string[] {
  return [`--api-url=${API}`, `--dashboard-url=${DASHBOARD}`, `--out=${out}`, `--dist=${dist}`];
}

function publish(args: string[], env: Record<string, string> = {}) {
  const clean = { ...process.env };
  delete clean.NEXT_PUBLIC_SUPABASE_URL;
  delete clean.CUSTOS_PUBLIC_URL;
  const run = spawnSync(process.execPath, [SCRIPT, ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...clean, ...env },
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("publish-agent-downloads refuses", () => {
  it("missing URLs, naming the argument and its variable, and writes nothing", () => {
    const { out, dist } = fixture();
    const before = listing(out);
    const dirsArgs = [`--out=${out}`, `--dist=${dist}`];
    const noApi = publish([`--dashboard-url=${DASHBOARD}`, ...dirsArgs]);
    expect(noApi.status).toBe(2);
    expect(noApi.stderr).toMatch(
      /^publish-agent-downloads: --api-url is required \(or set NEXT_PUBLIC_SUPABASE_URL\)/,
    );
    const noDashboard = publish([`--api-url=${API}`, ...dirsArgs]);
    expect(noDashboard.status).toBe(2);
    expect(noDashboard.stderr).toMatch(
      /^publish-agent-downloads: --dashboard-url is required \(or set CUSTOS_PUBLIC_URL\)/,
    );
    for (const [args, message] of [
      [["--api-url"], "--api-url needs a value"],
      [["--api-url", "--dashboard-url", DASHBOARD], "--api-url needs a value"],
      [["--api-url="], "--api-url needs a value"],
      [["--bogus=1"], "unknown option: --bogus=1"],
      [[`--api-url=${API}`, `--api-url=${API}`], "--api-url given twice"],
    ] as const) {
      const run = publish([...args, ...dirsArgs]);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toContain(message);
    }
    expect(listing(out)).toEqual(before);
  });

  it.each([
    ["--api-url", "https://x.example/$(reboot)"],
    ["--api-url", "http://a'b.example"],
    ["--api-url", "ftp://abc.supabase.co"],
    ["--api-url", "javascript:alert(1)"],
    ["--api-url", "https://abc.supabase.co/?x=1"],
    ["--api-url", "https://user@abc.supabase.co"],
    ["--api-url", "https://abc.supabase.co\nrm -rf /"],
    ["--api-url", "abc.supabase.co"],
    ["--dashboard-url", "https://custos.example.com/`id`"],
    ["--dashboard-url", "https://custos.example.com/a b"],
    ["--dashboard-url", "https://custos.example.com#top"],
  ])("%s %j (not a plain http(s) URL), naming it, and writes nothing", (flag, value) => {
    const { out, dist } = fixture();
    const before = listing(out);
    const values = { "--api-url": API, "--dashboard-url": DASHBOARD, [flag]: value };
    const run = publish([
      ...Object.entries(values).map(([f, v]) => `${f}=${v}`),
      `--out=${out}`,
      `--dist=${dist}`,
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`publish-agent-downloads: ${flag}: expected a plain http(s) URL`);
    expect(listing(out)).toEqual(before);
  });

  it("the function's URL for --api-url (agents add /functions/v1/api themselves)", () => {
    const { out, dist } = fixture();
    const run = publish([
      `--api-url=${API}/functions/v1/api`,
      `--dashboard-url=${DASHBOARD}`,
      `--out=${out}`,
      `--dist=${dist}`,
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "--api-url: the project URL (https://<ref>.supabase.co), without /functions/v1/api",
    );
  });

  it("an --out without a built dashboard, with the command that builds it", () => {
    const { dist } = fixture();
    const out = tempDir("custos-publish-empty-");
    const run = publish(urlsAndDirs({ out, dist }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("no index.html");
    expect(run.stderr).toContain("pnpm --filter @custos/web build");
    expect(listing(out)).toEqual([]);
  });

  it("to publish without this machine's architecture's binary, with the exact build command", () => {
    const { out, dist } = fixture([OTHER]);
    const before = listing(out);
    const run = publish(urlsAndDirs({ out, dist }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `custos-agent-linux-${HOST} (the agent for this machine's architecture) is not built`,
    );
    expect(run.stderr).toContain("`. ./.tools-env.sh && pnpm --filter @custos/agent build:binary`");
    expect(listing(out)).toEqual(before);
  });

  it("a binary whose .sha256 does not match it (install.sh would refuse it)", () => {
    const { out, dist } = fixture();
    const before = listing(out);
    writeFileSync(join(dist, `custos-agent-linux-${OTHER}`), "rebuilt, sum not updated");
    const run = publish(urlsAndDirs({ out, dist }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `custos-agent-linux-${OTHER}.sha256 does not match custos-agent-linux-${OTHER}`,
    );
    expect(run.stderr).toContain(`pnpm --filter @custos/agent build:binary --arch ${OTHER}`);
    expect(listing(out)).toEqual(before);
  });
});

describe("publish-agent-downloads publishes", () => {
  it("install.sh with the API as its URL and the dashboard's downloads/, and both binaries with their sums", () => {
    const { out, dist } = fixture();
    const run = publish([
      "--api-url",
      `${API}/`,
      "--dashboard-url",
      `${DASHBOARD}/`,
      "--out",
      out,
      "--dist",
      dist,
    ]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`agents register with ${API}, download from ${DASHBOARD}/downloads`);

    const script = readFileSync(join(out, "install.sh"), "utf8");
    // exactly the two lines changed, nothing else
    expect(script).toBe(
      INSTALL_SH.replace("DEFAULT_URL='__CUSTOS_URL__'", `DEFAULT_URL='${API}'`).replace(
        "DEFAULT_DOWNLOADS='__CUSTOS_DOWNLOADS__'",
        `DEFAULT_DOWNLOADS='${DASHBOARD}/downloads'`,
      ),
    );
    expect(script).toMatch(/^DEFAULT_URL='https:\/\/abc\.supabase\.co'$/m);
    expect(script).toMatch(/^DEFAULT_DOWNLOADS='https:\/\/custos\.example\.com\/downloads'$/m);
    expect(statSync(join(out, "install.sh")).mode & 0o777).toBe(0o644);
    expect(spawnSync("bash", ["-n", join(out, "install.sh")]).status).toBe(0);

    expect(listing(out).sort()).toEqual(
      [
        "downloads/",
        "downloads/custos-agent-linux-arm64",
        "downloads/custos-agent-linux-arm64.sha256",
        "downloads/custos-agent-linux-x64",
        "downloads/custos-agent-linux-x64.sha256",
        "index.html",
        "install.sh",
      ].sort(),
    );
    for (const name of readdirSync(dist)) {
      expect(readFileSync(join(out, "downloads", name)).equals(readFileSync(join(dist, name))), name).toBe(
        true,
      );
    }
  });

  it("from NEXT_PUBLIC_SUPABASE_URL and CUSTOS_PUBLIC_URL when no URL is given", () => {
    const { out, dist } = fixture();
    const run = publish([`--out=${out}`, `--dist=${dist}`], {
      NEXT_PUBLIC_SUPABASE_URL: API,
      CUSTOS_PUBLIC_URL: `${DASHBOARD}/custos`,
    });
    expect(run.status, run.stderr).toBe(0);
    const script = readFileSync(join(out, "install.sh"), "utf8");
    expect(script).toContain(`DEFAULT_URL='${API}'`);
    expect(script).toContain(`DEFAULT_DOWNLOADS='${DASHBOARD}/custos/downloads'`);
  });

  it("this machine's architecture alone with one warning, and drops the other one published earlier", () => {
    const { out, dist } = fixture();
    const args = urlsAndDirs({ out, dist });
    expect(publish(args).status).toBe(0);
    for (const file of [`custos-agent-linux-${OTHER}`, `custos-agent-linux-${OTHER}.sha256`]) {
      rmSync(join(dist, file));
    }
    const run = publish(args);
    expect(run.status).toBe(0);
    const warnings = run.stderr.split("\n").filter(Boolean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`warning: custos-agent-linux-${OTHER} is not built`);
    expect(warnings[0]).toContain(`pnpm --filter @custos/agent build:binary --arch ${OTHER}`);
    expect(readdirSync(join(out, "downloads")).sort()).toEqual([
      `custos-agent-linux-${HOST}`,
      `custos-agent-linux-${HOST}.sha256`,
    ]);
  });
});
