/** The local dashboard of a running agent whose backend is unreachable. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/log.ts";
import { type RunningAgent, startAgent } from "../src/runtime.ts";
import { type AgentDir, agentDir, waitFor } from "./helpers/agent-files.ts";
import { freeLoopbackPort } from "./helpers/ports.ts";
import { script, testPlugins } from "./helpers/test-plugins.ts";

let files: AgentDir;
let agent: RunningAgent;

beforeAll(async () => {
  files = agentDir();
  const deadPort = await freeLoopbackPort();
  script.set("dash", { statuses: ["ok", "down"], samples: 2 });
  const settings = parseConfig(
    files.configPath,
    `api_key: k
url: http://127.0.0.1:${deadPort}
server_name: lab-2
metrics_push_interval: 500ms
local_dashboard: { enabled: true, port: 0 }
monitors:
  - type: scripted
    key: dash
    check_interval: 100ms
buffer:
  path: ${files.statePath}
`,
    { plugins: testPlugins, env: {} },
  );
  agent = await startAgent(settings, { log: silentLogger });
});
afterAll(async () => {
  await agent?.stop();
  files.remove();
});

describe("local dashboard of a running agent", () => {
  it("shows monitor state, the buffer and charts while the backend is unreachable", async () => {
    expect(agent.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const url = agent.dashboardUrl ?? "";
    const status = await waitFor(
      async () => {
        const body = (await (await fetch(`${url}api/status`)).json()) as {
          monitors: { monitor: string; status: string; alert_state: string }[];
          buffer: { pending_samples: number };
          backend: { unreachable_since: string | null };
        };
        return body.monitors[0]?.alert_state === "down" && body.backend.unreachable_since ? body : undefined;
      },
      10_000,
      "monitor down and backend unreachable",
    );
    expect(status.monitors[0]).toMatchObject({ monitor: "scripted:dash", status: "down" });
    expect(status.buffer.pending_samples).toBeGreaterThan(0);
    const html = await (await fetch(url)).text();
    expect(html).toContain("<h1>lab-2</h1>");
    expect(html).toContain("scripted:dash");
    expect(html).toMatch(/aria-label="scripted_value\{i=&quot;0&quot;\} \(count\)"/);
  });
});
