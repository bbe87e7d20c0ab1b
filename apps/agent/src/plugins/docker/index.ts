/**
 * docker: running / stopped / unhealthy containers from the Docker Engine API on its unix socket,
 * and optionally containers that must be running.
 */
import { stat } from "node:fs/promises";
import { DockerMonitorOptions } from "@custos/protocol";
import type { Collected } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import { engineGet, SocketError, socketProblem } from "./client.ts";
import { summarize } from "./evaluate.ts";
import { parseContainers } from "./parse.ts";

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

/** Unversioned on purpose: every engine answers it, whatever API versions it supports. */
const CONTAINERS_PATH = "/containers/json?all=true";

export const plugin = definePlugin({
  type: "docker",
  configSchema: DockerMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: () => "docker",
  create(config, ctx) {
    return {
      async collect(signal): Promise<Collected> {
        const started = performance.now();
        const down = (message: string): Collected => ({ samples: [], checks: [{ status: "down", message }] });
        let answer: Awaited<ReturnType<typeof engineGet>>;
        try {
          answer = await engineGet(
            config.socket,
            CONTAINERS_PATH,
            Math.max(500, ctx.timeoutMs - 250),
            signal,
          );
        } catch (error) {
          let code = error instanceof SocketError ? error.code : undefined;
          // connect(2) on a file that is not a socket also says ECONNREFUSED: tell the two apart.
          if (code === "ECONNREFUSED" && !(await isSocket(config.socket))) code = "ENOTSOCK";
          if (code === "ETIMEDOUT") return down(`Docker engine did not answer within ${ctx.timeoutMs} ms`);
          const problem = socketProblem(
            code,
            config.socket,
            error instanceof Error ? error.message : String(error),
          );
          if (problem.unsupported) throw new UnsupportedError(problem.message);
          return down(problem.message);
        }
        const latency = Math.round(performance.now() - started);
        if (answer.status !== 200) {
          let detail = answer.body.trim().slice(0, 300);
          try {
            detail = (JSON.parse(answer.body) as { message?: string }).message ?? detail;
          } catch {
            // not JSON: keep the text
          }
          return down(`Docker engine answered ${answer.status}: ${detail}`);
        }
        let containers: ReturnType<typeof parseContainers>;
        try {
          containers = parseContainers(JSON.parse(answer.body));
        } catch (error) {
          return down(
            error instanceof SyntaxError
              ? "Docker engine sent invalid JSON"
              : String((error as Error).message),
          );
        }
        const { samples, check } = summarize(containers, config.containers);
        return { samples, checks: [{ ...check, latency_ms: latency }] };
      },
    };
  },
});
