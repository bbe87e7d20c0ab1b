import { describe, expect, it } from "vitest";
import { LIMITS, MetricsBatch, RegisterRequest } from "./agent.ts";

const batch = (samples: unknown[]) => ({
  server_id: "6d1f4e8e-1f5a-4c53-9c1e-2b1e0b2f7a10",
  batch_id: "9b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b",
  samples,
});

describe("agent wire format", () => {
  it("accepts ISO timestamps and epoch milliseconds and turns both into dates", () => {
    const parsed = MetricsBatch.parse(
      batch([
        { ts: "2026-11-22T10:00:00Z", name: "cpu.percent", value: 1 },
        { ts: 1_795_000_000_000, name: "load.1", labels: { core: "0" }, value: 0.5 },
      ]),
    );
    expect(parsed.samples.map((s) => s.ts instanceof Date)).toEqual([true, true]);
  });

  it.each([
    ["a non-finite value", { ts: 1, name: "x", value: Number.POSITIVE_INFINITY }, "samples.0.value"],
    ["a metric name with spaces", { ts: 1, name: "cpu percent", value: 1 }, "samples.0.name"],
    [
      "a label name that is not an identifier",
      { ts: 1, name: "x", labels: { "a-b": "1" }, value: 1 },
      "samples.0.labels.a-b",
    ],
    ["an unknown key", { ts: 1, name: "x", value: 1, unit: "%" }, "samples.0"],
  ])("refuses %s, naming the field", (_what, sample, path) => {
    const result = MetricsBatch.safeParse(batch([sample]));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join(".")).toBe(path);
  });

  it("refuses an empty batch and one over the documented size", () => {
    expect(MetricsBatch.safeParse(batch([])).success).toBe(false);
    const many = Array.from({ length: LIMITS.maxSamplesPerBatch + 1 }, () => ({
      ts: 1,
      name: "x",
      value: 1,
    }));
    expect(MetricsBatch.safeParse(batch(many)).success).toBe(false);
  });

  it("refuses a registration with a hostile machine id", () => {
    const result = RegisterRequest.safeParse({
      hostname: "h",
      server_name: "h",
      agent_version: "1",
      os: "linux",
      arch: "x64",
      machine_id: "../../etc/passwd",
    });
    expect(result.error?.issues[0]?.path).toEqual(["machine_id"]);
  });
});
