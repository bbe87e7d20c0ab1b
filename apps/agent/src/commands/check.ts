/**
 * `custos-agent check [monitor]`: runs the configured checks once and prints what they found,
 * to test a config. Touches neither the state database nor the backend. Exit 1 if any is down.
 */
import { CheckFailedError, UsageError } from "../errors.ts";
import { createLogger } from "../log.ts";
import type { PluginDefinition } from "../plugins/types.ts";
import type { RunResult } from "../scheduler/monitor-runner.ts";
import { runOnce } from "../scheduler/run-once.ts";
import { configPath, loadSettings, type Output } from "./shared.ts";

export async function checkCommand(
  monitorName: string | undefined,
  options: { config?: string; json?: boolean },
  output: Output,
  plugins?: Readonly<Record<string, PluginDefinition>>,
): Promise<number> {
  const settings = loadSettings(configPath(options.config), plugins);
  let monitors = settings.monitors.filter((m) => m.enabled);
  if (monitorName !== undefined) {
    const found = settings.monitors.find((m) => m.name === monitorName);
    if (!found) {
      const names = settings.monitors.map((m) => m.name).join(", ") || "none configured";
      throw new UsageError(`no monitor named "${monitorName}" (monitors: ${names})`);
    }
    monitors = [found];
  }
  const log = createLogger({ level: "warn" });
  const results = await Promise.all(monitors.map((monitor) => runOnce(monitor, log)));
  output.out(
    options.json ? JSON.stringify(results.map(toJson), null, 2) : results.map(formatResult).join("\n"),
  );
  const down = results.flatMap((r) =>
    r.checks.filter((c) => c.status === "down").map((c) => c.monitor ?? r.monitor.name),
  );
  if (down.length > 0) throw new CheckFailedError(`down: ${down.join(", ")}`);
  return 0;
}

function toJson(result: RunResult) {
  return {
    monitor: result.monitor.name,
    type: result.monitor.type,
    duration_ms: Math.round(result.durationMs),
    checks: result.checks.map((c) => ({ ...c, monitor: c.monitor ?? result.monitor.name })),
    samples: result.samples,
    events: result.events,
  };
}

function formatResult(result: RunResult): string {
  const lines = [`${result.monitor.name} (${result.monitor.type}, ${Math.round(result.durationMs)} ms)`];
  for (const check of result.checks) {
    const latency = check.latency_ms === undefined ? "" : `  ${Math.round(check.latency_ms)} ms`;
    lines.push(
      `  ${(check.monitor ?? result.monitor.name).padEnd(24)} ${check.status.padEnd(11)}${latency}  ${check.message ?? ""}`.trimEnd(),
    );
  }
  if (result.samples.length > 0) {
    lines.push(`  ${result.samples.length} samples:`);
    for (const sample of result.samples.slice(0, 40)) {
      const labels =
        sample.labels && Object.keys(sample.labels).length > 0
          ? `{${Object.entries(sample.labels)
              .map(([k, v]) => `${k}="${v}"`)
              .join(",")}}`
          : "";
      lines.push(`    ${sample.name}${labels} = ${sample.value}`);
    }
    if (result.samples.length > 40) lines.push(`    ... ${result.samples.length - 40} more`);
  }
  for (const event of result.events) lines.push(`  event: ${event.message}`);
  return lines.join("\n");
}
