/** The CLI as users run it: `node src/main.ts <command>` in a child process. */
import { existsSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkCommand } from "../src/commands/check.ts";
import { CheckFailedError } from "../src/errors.ts";
import { type AgentDir, agentDir, waitFor } from "./helpers/agent-files.ts";
import { runAgentCommand, spawnAgent } from "./helpers/agent-process.ts";
import { freeLoopbackPort } from "./helpers/ports.ts";
import { script, testPlugins } from "./helpers/test-plugins.ts";

let files: AgentDir;
let deadPort: number;
beforeAll(async () => {
  deadPort = await freeLoopbackPort();
});
afterEach(() => files?.remove());

describe("custos-agent CLI", () => {
  it("prints its version", async () => {
    const result = await runAgentCommand(["version"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^custos-agent 0\.1\.0 \(node v24\./);
  });

  it("exits 64 on an unknown command", async () => {
    const result = await runAgentCommand(["frobnicate"]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("custos-agent: unknown command 'frobnicate'");
  });

  it("refuses to start on a bad config: exit 78, file, line and key on stderr, nothing started", async () => {
    files = agentDir();
    files.write(
      `api_key: k\nurl: http://127.0.0.1:${deadPort}\nmonitors:\n  - type: agent\n    check_interval: 5x\nbuffer:\n  path: ${files.statePath}\n`,
    );
    const result = await runAgentCommand(["run", "--config", files.configPath]);
    expect(result.code).toBe(78);
    expect(result.stderr).toBe(
      `custos-agent: invalid config\n${files.configPath}:5:5: monitors[0].check_interval: invalid duration "5x" (use e.g. 30s, 5m, 1h)\n`,
    );
    expect(existsSync(files.statePath)).toBe(false);
  });

  it("refuses to start when a secret's environment variable is unset, naming it", async () => {
    files = agentDir();
    files.write(`api_key: \${CUSTOS_TEST_UNSET_KEY}\nurl: http://127.0.0.1:${deadPort}\n`);
    const result = await runAgentCommand(["run", "--config", files.configPath]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      `${files.configPath}:1:1: api_key: environment variable CUSTOS_TEST_UNSET_KEY is not set`,
    );
  });

  it("runs checks once with `check` and prints them", async () => {
    files = agentDir();
    files.write(`api_key: k\nurl: http://127.0.0.1:${deadPort}\nmonitors:\n  - type: agent\n`);
    const result = await runAgentCommand(["check", "--config", files.configPath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^agent \(agent, \d+ ms\)\n {2}agent +ok/);
    expect(result.stdout).toContain("agent_collections_total = 1");
    const json = await runAgentCommand(["check", "agent", "--json", "--config", files.configPath]);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({
      monitor: "agent",
      checks: [{ monitor: "agent", status: "ok" }],
    });
    const unknown = await runAgentCommand(["check", "nginx", "--config", files.configPath]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('no monitor named "nginx" (monitors: agent)');
  });

  it("`check` fails (exit 1) when a monitor is down", async () => {
    files = agentDir();
    files.write(
      `api_key: k\nurl: http://127.0.0.1:${deadPort}\nmonitors:\n  - type: scripted\n    key: cli-down\n  - type: scripted\n    key: cli-up\n`,
    );
    script.set("cli-down", { throws: "connection refused" });
    const printed: string[] = [];
    const output = { out: (t: string) => printed.push(t), err: (t: string) => printed.push(t) };
    const error = await checkCommand(undefined, { config: files.configPath }, output, testPlugins).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CheckFailedError);
    expect((error as CheckFailedError).exitCode).toBe(1);
    expect((error as Error).message).toBe("down: scripted:cli-down");
    expect(printed.join("\n")).toMatch(/scripted:cli-down +down +connection refused/);
  });

  it("`status` shows the buffer, the link and each monitor after a run without backend", async () => {
    files = agentDir();
    files.write(
      `api_key: k\nurl: http://127.0.0.1:${deadPort}\nserver_name: lab-1\nmetrics_push_interval: 200ms\nmonitors:\n  - type: agent\n    check_interval: 100ms\nbuffer:\n  path: ${files.statePath}\n`,
    );
    const agent = spawnAgent(["run", "--config", files.configPath]);
    // from its start, not from the spawn: a loaded machine takes seconds to start node, and a
    // SIGTERM before the handlers are installed ends the process without a clean stop
    await waitFor(() => agent.output().includes('"msg":"custos-agent started"'), 20_000, "the agent started");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await agent.stop()).toBe(0);
    expect(agent.output()).toContain('"msg":"custos-agent stopped"');

    const json = await runAgentCommand(["status", "--json", "--config", files.configPath]);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout);
    expect(status.server).toMatchObject({ name: "lab-1", id: null });
    expect(status.buffer.pending_samples).toBeGreaterThan(10);
    expect(status.buffer.oldest_age_seconds).toBeGreaterThanOrEqual(0);
    expect(status.last_push_at).toBeNull();
    expect(status.backend.unreachable_since).not.toBeNull();
    expect(status.monitors).toEqual([expect.objectContaining({ monitor: "agent", status: "ok" })]);

    const text = await runAgentCommand(["status", "--config", files.configPath]);
    expect(text.stdout).toMatch(/^server +lab-1 \(not registered\)$/m);
    expect(text.stdout).toMatch(/^buffer +\d+ samples, \d+ check results/m);
    expect(text.stdout).toMatch(/^last push +never$/m);
    expect(text.stdout).toMatch(/^agent +ok /m);
  });

  it("`status` says when there is no state database yet", async () => {
    files = agentDir();
    files.write(`api_key: k\nurl: http://127.0.0.1:${deadPort}\nbuffer:\n  path: ${files.statePath}\n`);
    const result = await runAgentCommand(["status", "--config", files.configPath]);
    expect(result.code).toBe(73);
    expect(result.stderr).toContain(`no state database at ${files.statePath} (has the agent run yet?)`);
  });
});
