import { MetricThreshold, MetricThresholds } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { evaluateThreshold, ThresholdTracker } from "./thresholds.ts";

const parse = (input: unknown) => MetricThreshold.parse(input);

describe("metric thresholds", () => {
  it.each([
    [{ metric: "queue", warn_above: 100, crit_above: 1000 }, 50, "ok"],
    [{ metric: "queue", warn_above: 100, crit_above: 1000 }, 100, "ok"],
    [{ metric: "queue", warn_above: 100, crit_above: 1000 }, 101, "degraded"],
    [{ metric: "queue", warn_above: 100, crit_above: 1000 }, 1001, "down"],
    [{ metric: "free", warn_below: 10, crit_below: 2 }, 5, "degraded"],
    [{ metric: "free", warn_below: 10, crit_below: 2 }, 1, "down"],
    [{ metric: "free", crit_below: 2 }, 2, "ok"],
  ])("%o with value %d is %s", (config, value, status) => {
    const check = evaluateThreshold(parse(config), "app", { value, ts: 1_000 }, 1_000, 0);
    expect(check.status).toBe(status);
    expect(check.monitor).toBe(`app:${config.metric}`);
  });

  it("says which bound was crossed and by which value", () => {
    const check = evaluateThreshold(
      parse({ metric: "queue", crit_above: 10 }),
      "app",
      { value: 12, ts: 0 },
      0,
      0,
    );
    expect(check.message).toBe("queue = 12 is above crit_above 10");
  });

  it("is ok without a value until missing_after has passed since the start, then down", () => {
    const t = parse({ metric: "jobs_done", missing_after: "5m" });
    expect(evaluateThreshold(t, "app", undefined, 299_000, 0).status).toBe("ok");
    const late = evaluateThreshold(t, "app", undefined, 300_000, 0);
    expect(late.status).toBe("down");
    expect(late.message).toContain("no value since the agent started");
  });

  it("turns down when the metric stops arriving for missing_after, and ok when it comes back", () => {
    const t = parse({ metric: "jobs_done", missing_after: "1m" });
    expect(evaluateThreshold(t, "app", { value: 3, ts: 0 }, 61_000, 0).status).toBe("down");
    expect(evaluateThreshold(t, "app", { value: 3, ts: 60_000 }, 61_000, 0).status).toBe("ok");
  });

  it("rejects a threshold without any bound, naming the field", () => {
    const result = MetricThreshold.safeParse({ metric: "queue" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["metric"]);
  });

  it("rejects warn above crit and warn below crit", () => {
    expect(
      MetricThreshold.safeParse({ metric: "q", warn_above: 5, crit_above: 1 }).error?.issues[0]?.path,
    ).toEqual(["warn_above"]);
    expect(
      MetricThreshold.safeParse({ metric: "q", warn_below: 1, crit_below: 5 }).error?.issues[0]?.path,
    ).toEqual(["warn_below"]);
  });

  it("rejects an unknown key, a bad metric name and two thresholds with the same check", () => {
    expect(MetricThreshold.safeParse({ metric: "q", crit_above: 1, above: 2 }).success).toBe(false);
    expect(MetricThreshold.safeParse({ metric: "q w", crit_above: 1 }).error?.issues[0]?.path).toEqual([
      "metric",
    ]);
    const twice = MetricThresholds.safeParse([
      { metric: "q", crit_above: 1 },
      { metric: "q", warn_above: 1 },
    ]);
    expect(twice.error?.issues[0]?.path).toEqual([1, "name"]);
  });

  it("tracks the newest value of matching samples only, labels included", () => {
    const tracker = new ThresholdTracker(
      [parse({ metric: "queue", labels: { queue: "mail" }, crit_above: 10 })],
      0,
    );
    tracker.observe({ name: "queue", value: 50, labels: { queue: "sms" } }, 1);
    tracker.observe({ name: "other", value: 50 }, 1);
    expect(tracker.checks("app", 2)[0]?.message).toBe("queue: no value yet");
    tracker.observe({ name: "queue", value: 20, labels: { queue: "mail", host: "a" }, ts: 5 }, 5);
    tracker.observe({ name: "queue", value: 1, labels: { queue: "mail" }, ts: 3 }, 6);
    expect(tracker.checks("app", 7)[0]).toMatchObject({
      status: "down",
      message: "queue = 20 is above crit_above 10",
    });
  });
});
