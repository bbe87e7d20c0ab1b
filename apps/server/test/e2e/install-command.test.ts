/**
 * The install command as a user gets it: read from the onboarding screen in Chromium, pasted into
 * a real shell on "another machine" (a mount namespace with private /etc, /usr/local, /var/lib and
 * /tmp, and no sudo), against a real custos-server reached at this machine's non-loopback address.
 * And the warning a user sees when the only address the dashboard knows is loopback.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildAgentBinary } from "../helpers/agent-binary.ts";
import { tempDirsRemovedAfterAll } from "../helpers/temp-dirs.ts";
import { type Browser, ensureDashboardBuilt, openBrowser, shoot } from "./browser.ts";
import { PASSWORD } from "./session.ts";

/** The address another machine would use: this machine's first non-loopback IPv4 (eth0). */
const LAN_ADDRESS = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === "IPv4" && !a.internal)?.address;

let server: CustosServerHandle;
let sql: postgres.Sql;
const tempDir = tempDirsRemovedAfterAll();

beforeAll(async () => {
  ensureDashboardBuilt();
  // the agent's single executable, served from /downloads/
  await buildAgentBinary();
  server = await startCustosServer({
    adminUrl: inject("pgAdminUrl"),
    // listening on every address as custos-server does by default, without a public URL
    env: { HOST: "0.0.0.0", CUSTOS_PUBLIC_URL: "" },
  });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
}, 720_000);
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await server?.close();
});

const EMAIL = `install${Date.now()}@example.com`;

/**
 * Signs up (first call) or in (later calls: another origin has its own session) at `origin`, and
 * creates an agent key in the onboarding screen. One account: sign-ups may close after the first.
 */
let signedUp = false;
async function keyFromOnboarding(page: Page, origin: string): Promise<{ command: string; key: string }> {
  await page.goto(`${origin}/${signedUp ? "sign-in" : "sign-up"}`);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: signedUp ? "Sign in" : "Create account" }).click();
  if (signedUp) {
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    await page.goto(`${origin}/onboarding`);
  }
  signedUp = true;
  await page.waitForURL(/\/onboarding/);
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = page.locator("figure", { hasText: "API key" }).locator("code");
  await key.waitFor();
  const command = page.locator("figure", { hasText: "Install command" }).locator("code");
  return { command: (await command.textContent()) ?? "", key: (await key.textContent()) ?? "" };
}

describe.skipIf(!LAN_ADDRESS)("the install command from the onboarding screen", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(() => browser?.close());

  it("warns that a localhost address only works on this machine and names the CUSTOS_PUBLIC_URL to set", async () => {
    const { page } = browser;
    const { command } = await keyFromOnboarding(page, `http://localhost:${server.port}`);
    expect(command).toContain(`http://localhost:${server.port}/install.sh`);
    const warning = page.getByRole("alert").filter({ hasText: "This address only works on this machine." });
    await warning.waitFor();
    expect(await warning.textContent()).toContain(`CUSTOS_PUBLIC_URL=http://${LAN_ADDRESS}:${server.port}`);
    await shoot(page, "30-onboarding-loopback-warning");

    // the same warning wherever the command is shown: a new key in Settings > API keys
    await page.goto(`http://localhost:${server.port}/settings/api-keys`);
    await page.getByRole("button", { name: "Create key" }).click();
    await page.locator("figure", { hasText: "Install command" }).waitFor();
    const again = page.getByRole("alert").filter({ hasText: "This address only works on this machine." });
    expect(await again.textContent()).toContain(`CUSTOS_PUBLIC_URL=http://${LAN_ADDRESS}:${server.port}`);
    await shoot(page, "32-settings-api-keys-loopback-warning");
    expect(browser.problems).toEqual([]);
  }, 120_000);

  const canUnshare = spawnSync("unshare", ["-m", "true"]).status === 0;
  it.skipIf(!canUnshare)(
    "the copied command, run by a real shell as root without sudo present, installs (with --no-start) against the server's non-loopback address",
    async () => {
      const { page } = browser;
      const origin = `http://${LAN_ADDRESS}:${server.port}`;
      const { command, key } = await keyFromOnboarding(page, origin);
      expect(command).toContain(`${origin}/install.sh`);
      expect(command).toContain(key);
      // a non-loopback address: no warning
      expect(await page.getByText("This address only works on this machine.").count()).toBe(0);

      const sandbox = tempDir("custos-copied-");
      const script = `
set -eu
export PATH="$PATH:/usr/sbin:/sbin"
# never let these bind mounts reach the host's mount table
mount --make-rprivate /
mkdir -p "$S/usr-local" "$S/var-lib" "$S/tmp"
cp -a /etc "$S/etc"
mount --bind "$S/etc" /etc
mount --bind "$S/usr-local" /usr/local
mount --bind "$S/var-lib" /var/lib
mount --bind "$S/tmp" /tmp
# a minimal image without sudo: hide it if this machine has one
for s in /usr/bin/sudo /bin/sudo /usr/sbin/sudo /usr/local/bin/sudo; do
  if [ -e "$s" ]; then mount --bind /dev/null "$s"; fi
done
if command -v sudo >/dev/null; then echo "sudo is still there" >&2; exit 90; fi
bash -c "$COMMAND --no-start"
echo "== installed"
cat /etc/custos/agent.yaml
test -x /usr/local/bin/custos-agent && echo "== binary"
`;
      const run = spawnSync("unshare", ["--mount", "--propagation", "private", "bash", "-c", script], {
        encoding: "utf8",
        timeout: 180_000,
        env: { ...process.env, S: sandbox, COMMAND: command },
      });
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toContain("== installed");
      expect(run.stdout).toContain("== binary");
      expect(run.stdout).toContain(`url: "${origin}"`);
      expect(run.stdout).toContain(`api_key: "${key}"`);
      expect(run.stderr).not.toMatch(/sudo|curl: \(/);

      // registered: the server exists for the key's organization, and onboarding shows it arriving
      const servers = await sql<{ name: string }[]>`
        select s.name from public.servers s
        join public.api_keys k on k.org_id = s.org_id
        where k.prefix = ${key.slice(0, 12)}`;
      expect(servers).toHaveLength(1);
      await page.getByText(`${servers[0]?.name} is connected`).waitFor({ timeout: 15_000 });
      await shoot(page, "31-onboarding-installed-from-copied-command");

      // nothing outside the namespace changed
      expect(readFileSync("/etc/passwd", "utf8")).not.toMatch(/^custos:/m);
      expect(browser.problems).toEqual([]);
    },
    300_000,
  );
});
