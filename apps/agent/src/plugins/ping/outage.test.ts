import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate.ts";
import { type Clock, outageDurationMs, trackOutage } from "./outage.ts";

const at = (wall: string, monoSeconds: number, bootId = "boot-a"): Clock => ({
  wallMs: Date.parse(wall),
  monoNs: BigInt(monoSeconds) * 1_000_000_000n,
  bootId,
});

describe("trackOutage", () => {
  it("starts an outage on the first cycle in which every target failed, and keeps its start", () => {
    const first = trackOutage(undefined, true, at("2026-11-22T10:00:00Z", 1000));
    expect(first.started).toEqual({
      started_at: "2026-11-22T10:00:00.000Z",
      started_wall_ms: Date.parse("2026-11-22T10:00:00Z"),
      started_mono_ns: "1000000000000",
      boot_id: "boot-a",
    });
    const second = trackOutage(first.state, true, at("2026-11-22T10:00:30Z", 1030));
    expect(second).toEqual({ state: first.state });
  });

  it("ends the outage with its monotonic duration on the first cycle with an answer", () => {
    const start = trackOutage(undefined, true, at("2026-11-22T10:00:00Z", 1000)).state;
    const end = trackOutage(start, false, at("2026-11-22T10:03:12Z", 1192));
    expect(end).toEqual({
      state: undefined,
      ended: {
        started_at: "2026-11-22T10:00:00.000Z",
        ended_at: "2026-11-22T10:03:12.000Z",
        duration_ms: 192_000,
      },
    });
  });

  it("measures with the monotonic clock when the wall clock was stepped during the outage", () => {
    const start = trackOutage(undefined, true, at("2026-11-22T10:00:00Z", 1000)).state;
    // NTP stepped the wall clock back an hour; 90 s really passed.
    const end = trackOutage(start, false, at("2026-11-22T09:01:30Z", 1090));
    expect(end.ended?.duration_ms).toBe(90_000);
  });

  it("falls back to the wall clock when the machine rebooted during the outage", () => {
    const start = trackOutage(undefined, true, at("2026-11-22T10:00:00Z", 50_000)).state;
    const end = trackOutage(start, false, at("2026-11-22T10:10:00Z", 30, "boot-b"));
    expect(end.ended?.duration_ms).toBe(600_000);
  });

  it("does nothing while everything answers", () => {
    expect(trackOutage(undefined, false, at("2026-11-22T10:00:00Z", 1))).toEqual({ state: undefined });
  });

  it("reports the duration so far for a running outage", () => {
    const start = trackOutage(undefined, true, at("2026-11-22T10:00:00Z", 1000)).state;
    if (!start) throw new Error("outage expected");
    expect(outageDurationMs(start, at("2026-11-22T10:00:45Z", 1045))).toBe(45_000);
  });
});

describe("evaluate", () => {
  const ok = (avgMs: number, lossPercent = 0) => ({
    transmitted: 3,
    received: 3,
    lossPercent,
    avgMs,
  });
  const lost = { transmitted: 3, received: 0, lossPercent: 100 };

  it("is ok when every target answers", () => {
    const results = [
      { target: "1.1.1.1", result: ok(12.34) },
      { target: "8.8.8.8", result: ok(15.1) },
    ];
    expect(evaluate(results, {})).toEqual({
      status: "ok",
      message: "2/2 targets answer: 1.1.1.1 12.3 ms, 8.8.8.8 15.1 ms",
    });
  });

  it("is degraded when some targets fail, naming them", () => {
    const results = [
      { target: "1.1.1.1", result: ok(12) },
      { target: "8.8.8.8", result: { ...lost, error: "Network is unreachable" } },
    ];
    expect(evaluate(results, {})).toEqual({
      status: "degraded",
      message: "1/2 targets answer: 1.1.1.1 12 ms; 8.8.8.8: Network is unreachable",
    });
  });

  it("is down when no target answers", () => {
    const results = [
      { target: "1.1.1.1", result: lost },
      { target: "8.8.8.8", result: lost },
    ];
    expect(evaluate(results, {})).toEqual({
      status: "down",
      message: "no target answers: 1.1.1.1: 100% loss; 8.8.8.8: 100% loss",
    });
  });

  it("is degraded past degraded_ms or degraded_loss_percent when configured", () => {
    const results = [{ target: "1.1.1.1", result: ok(250, 34) }];
    expect(evaluate(results, {}).status).toBe("ok");
    expect(evaluate(results, { degraded_ms: 200 }).message).toBe(
      "1/1 targets answer: all slow or lossy; 1.1.1.1 slow: 250 ms",
    );
    expect(evaluate(results, { degraded_loss_percent: 30 }).status).toBe("degraded");
  });
});
