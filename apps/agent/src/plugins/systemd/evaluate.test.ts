import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateUnit, recordRestarts, secondsInState } from "./evaluate.ts";
import { parseShow, toUnitStatus } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
const rules = { allow_inactive: false, max_restarts: 3, windowText: "10m" };

describe("judging recorded systemctl show output", () => {
  const units = parseShow(fixture("show-four-units.txt")).map(toUnitStatus);

  it.each([
    { file: "show-four-units.txt", id: "web.service", status: "ok", message: "web.service active (running)" },
    {
      file: "show-four-units.txt",
      id: "broken.service",
      status: "down",
      message: "broken.service failed (result: exit-code)",
    },
    {
      file: "show-four-units.txt",
      id: "nosuch.service",
      status: "down",
      message: "nosuch.service not found",
    },
    {
      file: "show-stopped-and-restarting.txt",
      id: "web.service",
      status: "down",
      message: "web.service is not running: inactive (dead)",
    },
    {
      file: "show-stopped-and-restarting.txt",
      id: "flaky.service",
      status: "degraded",
      message: "flaky.service activating (auto-restart), 10 restarts so far",
    },
  ])("judges $id in $file as $status", ({ file, id, status, message }) => {
    const unit = parseShow(fixture(file))
      .map(toUnitStatus)
      .find((u) => u.id === id);
    expect(unit).toBeDefined();
    if (unit) expect(evaluateUnit(unit, 0, rules)).toEqual({ status, message });
  });

  it("accepts an inactive unit when allow_inactive is set", () => {
    const web = parseShow(fixture("show-stopped-and-restarting.txt")).map(toUnitStatus)[0];
    expect(web && evaluateUnit(web, 0, { ...rules, allow_inactive: true }).status).toBe("ok");
  });

  it("computes time in state from the monotonic timestamps", () => {
    const web = units[0];
    expect(web && secondsInState(web, 1086517133 + 125_500_000)).toBe(125);
    const missing = units[3];
    expect(missing && secondsInState(missing, 5_000_000_000)).toBeUndefined();
  });
});

describe("restart loops", () => {
  // flaky.service NRestarts as recorded: 6 at 04:33:59, 8 at 04:34:03, 10 at 04:34:08.
  const t0 = Date.UTC(2026, 10, 22, 4, 33, 59);
  const observations: [number, number][] = [
    [t0, Number(parseShow(fixture("show-four-units.txt"))[1]?.NRestarts)],
    [t0 + 4_000, Number(parseShow(fixture("show-flaky-later.txt"))[0]?.NRestarts)],
    [t0 + 9_000, Number(parseShow(fixture("show-stopped-and-restarting.txt"))[1]?.NRestarts)],
  ];

  it("counts restarts over the window from the kept history", () => {
    let history: [number, number][] | undefined;
    const seen: number[] = [];
    for (const [ts, n] of observations) {
      const step = recordRestarts(history, ts, n, 600_000);
      history = step.history;
      seen.push(step.inWindow);
    }
    expect(observations.map(([, n]) => n)).toEqual([6, 8, 10]);
    expect(seen).toEqual([0, 2, 4]);
  });

  it("is down when a unit restarted more than max_restarts times within the window", () => {
    const flaky = toUnitStatus(parseShow(fixture("show-flaky-later.txt"))[0] ?? {});
    expect(evaluateUnit(flaky, 4, rules)).toEqual({
      status: "down",
      message: "flaky.service restarted 4 times in the last 10m, now active (running)",
    });
  });

  it("forgets observations older than the window", () => {
    const { inWindow, history } = recordRestarts([[0, 1]], 700_000, 9, 600_000);
    expect(inWindow).toBe(0);
    expect(history).toEqual([[700_000, 9]]);
  });

  it("starts over when NRestarts went down (the unit was restarted by hand)", () => {
    expect(recordRestarts([[0, 9]], 1_000, 0, 600_000).inWindow).toBe(0);
  });
});
