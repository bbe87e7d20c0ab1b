/**
 * One run of one monitor outside the scheduler: a fresh plugin instance, no plugin state kept
 * (a plugin that compares with its last run sees none), closed afterwards. What `custos-agent
 * check` prints and what a monitor test from the dashboard reports (central/monitor-tests.ts).
 * The run ends by the monitor's timeout whatever the plugin does (MonitorRunner).
 */
import type { ResolvedMonitor } from "../config/settings.ts";
import type { Logger } from "../log.ts";
import { MonitorRunner, type RunResult } from "./monitor-runner.ts";

const noState = { get: () => undefined };

export async function runOnce(monitor: ResolvedMonitor, log: Logger): Promise<RunResult> {
  const runner = new MonitorRunner(monitor, noState, log);
  try {
    return await runner.run(Date.now());
  } finally {
    await runner.close();
  }
}
