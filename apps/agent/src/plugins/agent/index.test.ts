import { describe, expect, it } from "vitest";
import { agentSamples } from "./index.ts";

describe("agent self-monitor", () => {
  it("reports memory, CPU seconds, uptime and the collection counter", () => {
    expect(
      agentSamples({
        rssBytes: 52_000_000,
        heapUsedBytes: 9_000_000,
        cpuMicros: 1_234_567,
        uptimeSeconds: 60.4,
        collections: 7,
      }),
    ).toEqual([
      { name: "agent_rss_bytes", value: 52_000_000 },
      { name: "agent_heap_used_bytes", value: 9_000_000 },
      { name: "agent_cpu_seconds_total", value: 1.235 },
      { name: "agent_uptime_seconds", value: 60 },
      { name: "agent_collections_total", value: 7 },
    ]);
  });
});
