/**
 * `type: agent`: the agent watching itself (memory, CPU, uptime, and a collection counter that
 * survives restarts). Cheap, needs no permission, runs everywhere.
 */

import { AgentMonitorOptions } from "@custos/protocol";
import { definePlugin, type Sample } from "../types.ts";

const COLLECTIONS_KEY = "collections_total";

/** Pure: the samples for one collection from the process figures. */
export function agentSamples(input: {
  rssBytes: number;
  heapUsedBytes: number;
  cpuMicros: number;
  uptimeSeconds: number;
  collections: number;
}): Sample[] {
  return [
    { name: "agent_rss_bytes", value: input.rssBytes },
    { name: "agent_heap_used_bytes", value: input.heapUsedBytes },
    { name: "agent_cpu_seconds_total", value: Math.round(input.cpuMicros / 1_000) / 1_000 },
    { name: "agent_uptime_seconds", value: Math.round(input.uptimeSeconds) },
    { name: "agent_collections_total", value: input.collections },
  ];
}

export const agentPlugin = definePlugin({
  type: "agent",
  configSchema: AgentMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: () => "agent",
  create(_config, ctx) {
    return {
      async collect() {
        const collections = (ctx.state.get<number>(COLLECTIONS_KEY) ?? 0) + 1;
        ctx.state.set(COLLECTIONS_KEY, collections);
        const cpu = process.cpuUsage();
        const memory = process.memoryUsage();
        return {
          samples: agentSamples({
            rssBytes: memory.rss,
            heapUsedBytes: memory.heapUsed,
            cpuMicros: cpu.user + cpu.system,
            uptimeSeconds: process.uptime(),
            collections,
          }),
          checks: [],
        };
      },
    };
  },
});
