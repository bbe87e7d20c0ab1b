/**
 * ctx.exec: runs a command without a shell, with a deadline. A missing tool or one the agent
 * may not run is an UnsupportedError (reported once, the monitor stops); a non-zero exit is a
 * normal result the plugin interprets.
 */
import { execFile } from "node:child_process";
import { childEnv } from "../env.ts";
import { type ExecResult, UnsupportedError } from "../plugins/types.ts";

const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

interface ExecOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
  signal?: AbortSignal;
}

export function runCommand(command: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        shell: false,
        timeout: timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: MAX_OUTPUT_BYTES,
        env: childEnv(options.env),
        encoding: "utf8",
        windowsHide: true,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr, code: 0 });
        const failure = error as NodeJS.ErrnoException & {
          code?: string | number;
          killed?: boolean;
          signal?: string;
        };
        if (failure.code === "ENOENT") return reject(new UnsupportedError(`command not found: ${command}`));
        if (failure.code === "EACCES" || failure.code === "EPERM") {
          return reject(new UnsupportedError(`permission denied running ${command}`));
        }
        if (failure.name === "AbortError")
          return reject(new Error(`${command} was cancelled (check timed out)`));
        if (failure.killed || failure.signal === "SIGKILL") {
          return reject(new Error(`${command} timed out after ${Math.round(timeoutMs / 100) / 10}s`));
        }
        if (failure.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
          return reject(new Error(`${command} wrote more than ${MAX_OUTPUT_BYTES} bytes`));
        }
        if (typeof failure.code === "number") return resolve({ stdout, stderr, code: failure.code });
        if (failure.signal) return resolve({ stdout, stderr, code: null });
        reject(error);
      },
    );
  });
}
