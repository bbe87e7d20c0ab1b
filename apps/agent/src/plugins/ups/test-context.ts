/**
 * Test support for the command-running plugins (ups, power, systemd, tailscale, smart, sensors):
 * a PluginContext whose exec really runs commands without a shell, as the agent runtime does,
 * so runner tests go through exec, timeouts and a missing tool for real, against fake tools
 * that print recorded outputs.
 */
import { execFile } from "node:child_process";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecResult, PluginContext } from "../types.ts";
import { UnsupportedError } from "../types.ts";

export interface TestContext extends PluginContext {
  stored: Map<string, unknown>;
  warnings: string[];
}

export function testContext(
  options: { path?: string; timeoutMs?: number; monitorName?: string } = {},
): TestContext {
  const stored = new Map<string, unknown>();
  const warnings: string[] = [];
  const timeoutMs = options.timeoutMs ?? 5_000;
  const PATH = options.path ? `${options.path}:${process.env.PATH ?? ""}` : (process.env.PATH ?? "");
  return {
    monitorName: options.monitorName ?? "test",
    timeoutMs,
    stored,
    warnings,
    log: { info() {}, warn: (msg) => warnings.push(msg) },
    state: {
      get: <T>(key: string) => structuredClone(stored.get(key)) as T | undefined,
      set: (key, value) => stored.set(key, structuredClone(value)),
    },
    exec(command, args, execOptions) {
      return new Promise<ExecResult>((resolve, reject) => {
        execFile(
          command,
          args,
          {
            timeout: execOptions?.timeoutMs ?? timeoutMs,
            env: { ...process.env, PATH, ...execOptions?.env },
          },
          (error, stdout, stderr) => {
            if (!error) return resolve({ stdout, stderr, code: 0 });
            const code = (error as NodeJS.ErrnoException).code;
            if (code === "ENOENT")
              return reject(new UnsupportedError(`${command} is not installed (not found in PATH)`));
            if (error.killed)
              return reject(
                new Error(`${command} timed out after ${execOptions?.timeoutMs ?? timeoutMs} ms`),
              );
            resolve({ stdout, stderr, code: typeof code === "number" ? code : null });
          },
        );
      });
    },
  };
}

/** Writes an executable shell script `name` into a fresh temp dir and returns the dir. */
export async function fakeTool(name: string, script: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `custos-fake-${name}-`));
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return dir;
}
