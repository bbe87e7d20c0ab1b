/** Temporary agent config directories for tests. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface AgentDir {
  dir: string;
  configPath: string;
  statePath: string;
  write(yaml: string): string;
  remove(): void;
}

export function agentDir(prefix = "custos-agent-"): AgentDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const configPath = join(dir, "agent.yaml");
  return {
    dir,
    configPath,
    statePath: join(dir, "state.db"),
    write(yaml) {
      writeFileSync(configPath, yaml, { mode: 0o600 });
      return configPath;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value (not undefined/false), at most `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, 20 + attempt * 20)));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
