import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCommand, installFilesUrl } from "../src/api-keys/install-command.ts";

/**
 * The install command as pasted into real shells (bash and dash), as root and as an ordinary
 * user. `curl` is a stand-in that checks its flags and answers a script reporting who runs it;
 * `sudo`, where present, is a stand-in that says it was used. Everything else is the real shell.
 */
let dir: string;
let withSudo: string;
let withoutSudo: string;
const isRoot = process.getuid?.() === 0;
const hasDash = spawnSync("dash", ["-c", "true"]).status === 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "custos-install-command-"));
  chmodSync(dir, 0o755); // the ordinary user must reach the stand-ins
  withoutSudo = join(dir, "no-sudo");
  withSudo = join(dir, "sudo");
  for (const bin of [withoutSudo, withSudo]) {
    spawnSync("mkdir", ["-m", "755", bin]);
    // -f must be there (an HTTP error page is never piped into bash); the URL is the last word
    writeFileSync(
      join(bin, "curl"),
      `#!/bin/sh
case "$1" in -f*) ;; *) echo "curl called without -f: $*" >&2; exit 9 ;; esac
echo "echo \\"installer uid=\\$(id -u) from $2 args=\\$*\\""
`,
      { mode: 0o755 },
    );
  }
  writeFileSync(join(withSudo, "sudo"), '#!/bin/sh\necho "via sudo" >&2\nexec "$@"\n', { mode: 0o755 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(
  shell: string,
  bin: string,
  asUser?: string,
  command = installCommand("http://192.0.2.2:8080/", "cus_key'1"),
) {
  const path = `${bin}:/usr/bin:/bin`;
  const argv = asUser
    ? ["runuser", "-u", asUser, "--", "env", `PATH=${path}`, "LC_ALL=C", shell, "-c", command]
    : ["env", `PATH=${path}`, "LC_ALL=C", shell, "-c", command];
  // runuser lives in sbin, which a minimal PATH (cron, `env -i`) leaves out
  const env = { ...process.env, PATH: `${process.env.PATH ?? "/usr/bin:/bin"}:/usr/sbin:/sbin` };
  const result = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8", env });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const shells = ["bash", ...(hasDash ? ["dash"] : [])];

describe.skipIf(!isRoot)("the install command in a real shell", () => {
  it.each(shells)("%s as root without sudo installed runs install.sh directly", (shell) => {
    const result = run(shell, withoutSudo);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      "installer uid=0 from http://192.0.2.2:8080/install.sh args=--api-key=cus_key'1 --url http://192.0.2.2:8080\n",
    );
    expect(result.status).toBe(0);
  });

  it.each(shells)("%s as root with sudo installed does not go through sudo", (shell) => {
    const result = run(shell, withSudo);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^installer uid=0 /);
  });

  it.each(shells)("%s as an ordinary user runs install.sh through sudo", (shell) => {
    const result = run(shell, withSudo, "nobody");
    expect(result.stderr).toBe("via sudo\n");
    // the stand-in sudo does not change the user; that it was called is the point
    expect(result.stdout).toMatch(/^installer uid=\d+ from http:\/\/192\.0\.2\.2:8080\/install\.sh /);
    expect(result.status).toBe(0);
  });

  it.each(shells)("%s as an ordinary user without sudo says sudo is missing", (shell) => {
    const result = run(shell, withoutSudo, "nobody");
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/sudo.*not found/);
    expect(result.status).not.toBe(0);
  });
});

/** The cloud as supabase/functions/api/index.ts configures the backend: SUPABASE_URL, CUSTOS_PUBLIC_URL. */
const CLOUD = { agentUrl: "https://abc.supabase.co", dashboardUrl: "https://custos.example.com/" };

describe("where the install command takes install.sh and the binaries from", () => {
  it("in the cloud (agent URL and dashboard URL on different origins): the dashboard's static host", () => {
    expect(installFilesUrl(CLOUD)).toBe("https://custos.example.com");
    expect(installFilesUrl({ ...CLOUD, dashboardUrl: "https://example.com/custos/" })).toBe(
      "https://example.com/custos",
    );
    expect(installCommand(CLOUD.agentUrl, "cus_abc", { filesUrl: installFilesUrl(CLOUD) })).toBe(
      `curl -fsSL https://custos.example.com/install.sh | $([ "$(id -u)" -eq 0 ] || echo sudo) bash -s -- --api-key=cus_abc --url https://abc.supabase.co --downloads https://custos.example.com/downloads`,
    );
  });

  it("self-hosted (no agent URL), or without a dashboard URL, or on one origin: the API itself, unchanged", () => {
    expect(installFilesUrl({ dashboardUrl: "https://monitor.example.org" })).toBeUndefined();
    expect(installFilesUrl({})).toBeUndefined();
    expect(installFilesUrl({ agentUrl: CLOUD.agentUrl })).toBeUndefined();
    expect(
      installFilesUrl({ agentUrl: "https://abc.supabase.co", dashboardUrl: "https://abc.supabase.co/app" }),
    ).toBeUndefined();
    expect(installFilesUrl({ agentUrl: "not a url", dashboardUrl: CLOUD.dashboardUrl })).toBeUndefined();
    expect(installCommand("https://monitor.example.org", "cus_abc", { filesUrl: undefined })).toBe(
      `curl -fsSL https://monitor.example.org/install.sh | $([ "$(id -u)" -eq 0 ] || echo sudo) bash -s -- --api-key=cus_abc --url https://monitor.example.org`,
    );
  });
});

describe.skipIf(!isRoot)("the cloud install command in a real shell", () => {
  const command = installCommand(CLOUD.agentUrl, "cus_key'1", { filesUrl: installFilesUrl(CLOUD) });

  it.each(shells)(
    "%s fetches install.sh from the static host and passes --url and --downloads apart",
    (shell) => {
      const result = run(shell, withoutSudo, undefined, command);
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe(
        "installer uid=0 from https://custos.example.com/install.sh args=--api-key=cus_key'1 --url https://abc.supabase.co --downloads https://custos.example.com/downloads\n",
      );
      expect(result.status).toBe(0);
    },
  );

  it.each(shells)("%s as an ordinary user runs it through sudo", (shell) => {
    const result = run(shell, withSudo, "nobody", command);
    expect(result.stderr).toBe("via sudo\n");
    expect(result.stdout).toMatch(
      /^installer uid=\d+ from https:\/\/custos\.example\.com\/install\.sh .*--downloads https:\/\/custos\.example\.com\/downloads\n$/,
    );
    expect(result.status).toBe(0);
  });
});
