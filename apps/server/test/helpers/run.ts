import { spawn } from "node:child_process";

/** How a child process ended and what it printed. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args` until it has exited and closed its output, keeping stdout and stderr.
 * `stdin`, when given, is written to it and closed; without it the child reads nothing.
 */
export function runToEnd(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
