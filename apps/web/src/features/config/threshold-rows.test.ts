import { CentralThreshold } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import {
  emptyRow,
  messageOnly,
  PRESETS,
  presetRow,
  rowFieldOf,
  rowsFromThresholds,
  thresholdsFromRows,
  unitOf,
} from "./threshold-rows.ts";

describe("threshold rows", () => {
  it("every preset is a threshold the backend's schema accepts, on a metric the agent sends", () => {
    const built = thresholdsFromRows(PRESETS.map((p) => presetRow(p.id)));
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    for (const t of built.thresholds) expect(CentralThreshold.safeParse(t).success).toBe(true);
    expect(built.thresholds.map((t) => t.metric)).toEqual([
      "cpu.percent",
      "memory.used_percent",
      "disk.used_percent",
      "sensors.temperature_c",
    ]);
    // the disk preset names its mount, so one mount's samples are compared, not the newest of any
    expect(built.thresholds[2]).toMatchObject({ labels: { mount: "/" }, name: "disk:/" });
  });

  it("a stored threshold goes through the form and back unchanged", () => {
    const stored = [
      {
        metric: "disk.used_percent",
        labels: { mount: "/var" },
        name: "disk:/var",
        warn_above: 80.5,
        crit_above: 90,
        for: "5m",
        missing_after: "10m",
      },
      { metric: "queue_depth", warn_below: 3, crit_below: 1, missing_after: 60 },
    ];
    const back = thresholdsFromRows(rowsFromThresholds(stored));
    expect(back).toEqual({ ok: true, thresholds: stored });
  });

  it("empty inputs are left out rather than sent as empty strings or zero", () => {
    const row = { ...emptyRow(), metric: " cpu.percent ", crit_above: "95" };
    expect(thresholdsFromRows([row])).toEqual({
      ok: true,
      thresholds: [{ metric: "cpu.percent", crit_above: 95 }],
    });
  });

  it("a bound that is not a number is named like the API names fields, and nothing is sent", () => {
    const rows = [presetRow("cpu"), { ...presetRow("memory"), warn_above: "eighty" }];
    expect(thresholdsFromRows(rows)).toEqual({
      ok: false,
      problem: { field: "thresholds.1.warn_above", message: '"eighty" is not a number' },
    });
  });

  it("labels not written as key=value are refused naming the labels input", () => {
    const result = thresholdsFromRows([{ ...presetRow("disk"), labels: "mount" }]);
    expect(result).toMatchObject({ ok: false, problem: { field: "thresholds.0.labels" } });
  });

  it("an API error's field points at its row and input; a nested one at the row", () => {
    expect(rowFieldOf("thresholds.2.warn_above")).toEqual({ index: 2, input: "warn_above" });
    expect(rowFieldOf("thresholds.0.labels.mount")).toEqual({ index: 0, input: "labels" });
    expect(rowFieldOf("thresholds.4")).toEqual({ index: 4, input: "metric" });
    expect(rowFieldOf("monitors.0.options.url")).toBeUndefined();
    expect(rowFieldOf(undefined)).toBeUndefined();
  });

  it("the message drops the field prefix the form shows itself", () => {
    expect(messageOnly("thresholds.0.warn_above: too high", "thresholds.0.warn_above")).toBe("too high");
    expect(messageOnly("something else", "thresholds.0.warn_above")).toBe("something else");
  });

  it("units are percent for usage presets and Celsius for temperature", () => {
    expect(unitOf("cpu.percent")).toMatch(/percent/);
    expect(unitOf("disk.used_percent")).toMatch(/percent/);
    expect(unitOf("sensors.temperature_c")).toBe("°C");
    expect(unitOf("queue_depth")).toBeUndefined();
  });
});
