/**
 * What the central configuration e2e tests share: a real agent (`custos-agent run` from source,
 * a child process) with one local monitor, app_metrics, whose `queue_depth` the test sets, and a
 * local webhook channel, so a central threshold on that metric can be breached on demand.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@custos/testkit";

const AGENT_MAIN = fileURLToPath(new URL("../../../agent/src/main.ts", import.meta.url));

export interface AppMetricsAgent {
  /** Sets queue_depth through the agent's local metrics endpoint; the HTTP status. */
  post(value: number): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

export async function startAppMetricsAgent(options: {
  serverUrl: string;
  key: string;
  dir: string;
  heartbeatSeconds: number;
  webhookUrl: string;
}): Promise<AppMetricsAgent> {
  const port = await freePort();
  const configPath = join(options.dir, "agent.yaml");
  writeFileSync(
    configPath,
    `
api_key: ${options.key}
url: ${options.serverUrl}
server_name: central-e2e
heartbeat_interval: ${options.heartbeatSeconds}s
metrics_push_interval: 1s
monitors:
  - type: app_metrics
    http_port: ${port}
    statsd_port: false
    check_interval: 500ms
local_alerts:
  channels:
    - type: webhook
      url: ${options.webhookUrl}
buffer:
  path: ${join(options.dir, "state.db")}
`,
  );
  const child: ChildProcess = spawn(process.execPath, [AGENT_MAIN, "run", "--config", configPath], {
    env: { ...process.env, CUSTOS_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  return {
    post: (value) =>
      fetch(`http://127.0.0.1:${port}/v1/metrics`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "queue_depth", value }),
      }).then(
        (r) => r.status,
        () => 0,
      ),
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
