import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  cpuFraction,
  type EnergyState,
  estimateWatts,
  integrate,
  localDay,
  startOfLocalDay,
  trapezoidKwh,
} from "./evaluate.ts";
import { parseProcStat } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
const HOUR = 3_600_000;
const MIN = 60_000;
/** 2026-03-10 12:00 in Berlin (CET, UTC+1). */
const noonBerlin = Date.UTC(2026, 2, 10, 11, 0, 0);
const opts = { timeZone: "Europe/Berlin", maxGapMs: 15 * MIN };

describe("CPU-based estimate", () => {
  it.each([
    { cpu: 0, watts: 20 },
    { cpu: 0.5, watts: 60 },
    { cpu: 1, watts: 100 },
    { cpu: 1.5, watts: 100 },
    { cpu: -0.2, watts: 20 },
  ])("estimates $watts W at CPU fraction $cpu between 20 W idle and 100 W max", ({ cpu, watts }) => {
    expect(estimateWatts(cpu, 20, 100)).toBe(watts);
  });

  it("computes utilisation between two recorded /proc/stat readings taken 2 s apart", () => {
    const fraction = cpuFraction(
      parseProcStat(fixture("proc-stat-1.txt")),
      parseProcStat(fixture("proc-stat-2.txt")),
    );
    // busy +318 (user 266, system 52), idle +63, iowait +11
    expect(fraction).toBeCloseTo(318 / (318 + 63 + 11), 6);
  });

  it("gives no utilisation when counters went backwards (a reboot)", () => {
    expect(cpuFraction({ busy: 500, total: 1000 }, { busy: 10, total: 20 })).toBeUndefined();
  });
});

describe("integrating power into kWh", () => {
  it("uses the trapezoid rule between two samples", () => {
    expect(trapezoidKwh({ ts: 0, watts: 100 }, { ts: HOUR, watts: 300 })).toBeCloseTo(0.2, 10);
  });

  it("accumulates a day's samples: a constant 100 W for an hour is 0.1 kWh", () => {
    let state: EnergyState | undefined;
    for (let minute = 0; minute <= 60; minute += 5) {
      state = integrate(state, { ts: noonBerlin + minute * MIN, watts: 100 }, opts).state;
    }
    expect(state?.kwh).toBeCloseTo(0.1, 10);
    expect(state?.day).toBe("2026-03-10");
  });

  it("starts from zero on the first sample", () => {
    expect(integrate(undefined, { ts: noonBerlin, watts: 80 }, opts)).toEqual({
      state: { day: "2026-03-10", kwh: 0, last: { ts: noonBerlin, watts: 80 } },
      closedDays: [],
    });
  });

  it("keeps today's total across a restart, bridging the short gap", () => {
    const before = integrate(undefined, { ts: noonBerlin, watts: 100 }, opts).state;
    const persisted = structuredClone(before);
    const after = integrate(persisted, { ts: noonBerlin + 6 * MIN, watts: 100 }, opts).state;
    expect(after.kwh).toBeCloseTo(0.01, 10);
  });

  it("does not bridge a gap longer than max_gap (energy while stopped is unknown)", () => {
    const first = integrate(undefined, { ts: noonBerlin, watts: 100 }, opts).state;
    const afterGap = integrate(first, { ts: noonBerlin + 2 * HOUR, watts: 100 }, opts).state;
    expect(afterGap.kwh).toBe(0);
    const next = integrate(afterGap, { ts: noonBerlin + 2 * HOUR + 6 * MIN, watts: 100 }, opts).state;
    expect(next.kwh).toBeCloseTo(0.01, 10);
  });

  it("splits a segment at local midnight and closes the finished day", () => {
    const beforeMidnight = Date.UTC(2026, 2, 10, 22, 55); // 23:55 Berlin
    const afterMidnight = Date.UTC(2026, 2, 10, 23, 5); // 00:05 Berlin, next day
    const start = integrate({ day: "2026-03-10", kwh: 1.5 }, { ts: beforeMidnight, watts: 200 }, opts).state;
    const { state, closedDays } = integrate(start, { ts: afterMidnight, watts: 400 }, opts);
    // Power at midnight interpolates to 300 W: 5 min at avg 250 W before, 5 min at avg 350 W after.
    expect(closedDays).toHaveLength(1);
    expect(closedDays[0]?.day).toBe("2026-03-10");
    expect(closedDays[0]?.kwh).toBeCloseTo(1.5 + (250 * 5) / 60 / 1000, 10);
    expect(state.day).toBe("2026-03-11");
    expect(state.kwh).toBeCloseTo((350 * 5) / 60 / 1000, 10);
  });

  it("uses the configured zone's midnight, not UTC's", () => {
    const utcMidnight = Date.UTC(2026, 2, 11, 0, 0);
    expect(localDay(utcMidnight - MIN, "Europe/Berlin")).toBe("2026-03-11");
    expect(localDay(utcMidnight - MIN, "UTC")).toBe("2026-03-10");
    expect(startOfLocalDay(Date.UTC(2026, 2, 11, 5, 30, 12, 345), "America/New_York")).toBe(
      Date.UTC(2026, 2, 11, 4, 0),
    );
  });

  it("closes yesterday as it stood when the first sample of a new day comes after a long gap", () => {
    const yesterday: EnergyState = {
      day: "2026-03-09",
      kwh: 2.25,
      last: { ts: noonBerlin - 24 * HOUR, watts: 90 },
    };
    const { state, closedDays } = integrate(yesterday, { ts: noonBerlin, watts: 90 }, opts);
    expect(closedDays).toEqual([{ day: "2026-03-09", kwh: 2.25 }]);
    expect(state).toEqual({ day: "2026-03-10", kwh: 0, last: { ts: noonBerlin, watts: 90 } });
  });

  it("ignores a sample that is not newer than the last one (clock stepped back)", () => {
    const first = integrate(undefined, { ts: noonBerlin, watts: 100 }, opts).state;
    const back = integrate(first, { ts: noonBerlin - MIN, watts: 100 }, opts).state;
    expect(back.kwh).toBe(0);
  });
});
