import { describe, expect, it } from "vitest";
import { axisScale, formatBytes, formatUnit, niceStep, niceTicks, unitOfMetric } from "./format.ts";

describe("one value in its unit family", () => {
  it("gives bytes the same three significant digits at every size", () => {
    expect(formatBytes(650e6)).toBe("650 MB");
    expect(formatBytes(1.3e9)).toBe("1.3 GB");
    expect(formatBytes(100e9)).toBe("100 GB");
    expect(formatBytes(12_345_678)).toBe("12.3 MB");
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(-2e6)).toBe("-2 MB");
  });
  it("says rates, percents, seconds, milliseconds, counts and degrees with their unit", () => {
    expect(formatUnit("bytes_per_s", 1.25e6)).toBe("1.25 MB/s");
    expect(formatUnit("percent", 0.1)).toBe("0.1%");
    expect(formatUnit("percent", 87)).toBe("87%");
    expect(formatUnit("seconds", 42)).toBe("42 s");
    expect(formatUnit("seconds", 864_000)).toBe("10 d");
    expect(formatUnit("seconds", 5400)).toBe("1.5 h");
    expect(formatUnit("milliseconds", 1500)).toBe("1.5 s");
    expect(formatUnit("count", 12_500)).toBe("12.5K");
    expect(formatUnit("count", 3)).toBe("3");
    expect(formatUnit("celsius", 48.25)).toBe("48.3 °C");
  });
  it("never prints NaN or Infinity", () => {
    for (const family of ["bytes", "percent", "count", "celsius"] as const) {
      expect(formatUnit(family, Number.NaN)).toBe("–");
      expect(formatUnit(family, Number.POSITIVE_INFINITY)).toBe("–");
      expect(formatUnit(family, null)).toBe("–");
    }
  });
});

describe("nice ticks", () => {
  it("steps by 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(100)).toBe(50);
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(0.1)).toBeCloseTo(0.05);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(Number.NaN)).toBe(1);
  });
  it("runs from 0 to the first step at or above the max, evenly and without repeats", () => {
    expect(niceTicks(100)).toEqual([0, 50, 100]);
    expect(niceTicks(100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0.13)).toEqual([0, 0.05, 0.1, 0.15]);
    expect(niceTicks(0)).toEqual([0, 0.5, 1]);
    expect(niceTicks(-3)).toEqual([0, 0.5, 1]);
    for (const max of [0.001, 0.37, 1, 3.3, 42, 999, 1e6, 123_456_789]) {
      const ticks = niceTicks(max);
      expect(ticks[0]).toBe(0);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(new Set(ticks).size).toBe(ticks.length);
    }
  });
});

describe("one axis", () => {
  it("chooses the unit once from the max: an axis to 100 GB reads in GB, not 00.0 GB", () => {
    const axis = axisScale("bytes", 100e9);
    expect(axis.ticks.map(axis.format)).toEqual(["0\u00a0GB", "50\u00a0GB", "100\u00a0GB"]);
    expect(axis.top).toBe(100e9);
    expect(axis.widest).toBe("100 GB".length);
  });
  it("keeps one unit on an axis that spans MB and GB", () => {
    const axis = axisScale("bytes_per_s", 1.3e9);
    expect(axis.ticks.map(axis.format)).toEqual([
      "0.0\u00a0GB/s",
      "0.5\u00a0GB/s",
      "1.0\u00a0GB/s",
      "1.5\u00a0GB/s",
    ]);
  });
  it("gives small percents enough decimals that no two labels are equal", () => {
    const axis = axisScale("percent", 0.13);
    const labels = axis.ticks.map(axis.format);
    expect(labels).toEqual(["0.00%", "0.05%", "0.10%", "0.15%"]);
    expect(new Set(labels).size).toBe(labels.length);
  });
  it("draws a fixed 0-100% axis in round steps", () => {
    const axis = axisScale("percent", 100, 4);
    expect(axis.ticks.map(axis.format)).toEqual(["0%", "50%", "100%"]);
  });
  it("has distinct labels for any max of any family", () => {
    const families = [
      "bytes",
      "bytes_per_s",
      "percent",
      "seconds",
      "milliseconds",
      "count",
      "celsius",
    ] as const;
    for (const family of families) {
      for (const max of [0, 0.004, 0.1, 0.9, 1, 7, 99, 100, 999, 1001, 65e6, 1.3e9, 100e9, 3e12]) {
        const axis = axisScale(family, max);
        const labels = axis.ticks.map(axis.format);
        expect(new Set(labels).size, `${family} to ${max}: ${labels.join(", ")}`).toBe(labels.length);
        expect(axis.top).toBeGreaterThanOrEqual(max);
      }
    }
  });
  it("has an axis even without data", () => {
    const axis = axisScale("count", Number.NaN);
    expect(axis.ticks.map(axis.format)).toEqual(["0.0", "0.5", "1.0"]);
  });
});

describe("a metric's unit from its name", () => {
  it("reads the suffix the agent's plugins use", () => {
    expect(unitOfMetric("memory.total_bytes")).toBe("bytes");
    expect(unitOfMetric("net.rx_bytes_per_s")).toBe("bytes_per_s");
    expect(unitOfMetric("disk.used_percent")).toBe("percent");
    expect(unitOfMetric("uptime.seconds")).toBe("seconds");
    expect(unitOfMetric("agent_cpu_seconds_total")).toBe("seconds");
    expect(unitOfMetric("sensors.temperature_c")).toBe("celsius");
    expect(unitOfMetric("smart.temperature_c")).toBe("celsius");
    expect(unitOfMetric("http_latency_ms")).toBe("milliseconds");
    expect(unitOfMetric("docker.containers.running")).toBe("count");
    expect(unitOfMetric("load.1")).toBe("count");
  });
});
