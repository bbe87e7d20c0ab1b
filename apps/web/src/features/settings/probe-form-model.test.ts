import { describe, expect, it } from "vitest";
import { describeTestResult } from "./probe-form.tsx";
import {
  configFromForm,
  describeProbeSettings,
  formFromProbe,
  NEW_PROBE,
  scheduleFromForm,
} from "./probe-form-model.ts";

const stored = {
  name: "Shop",
  kind: "http",
  interval_seconds: 30,
  failures_to_open: 3,
  successes_to_resolve: 1,
  enabled: false,
  config: {
    kind: "http",
    url: "https://shop.example/health",
    method: "GET",
    expected_status: [200, 204],
    keyword: "Welcome",
    tls_warn_days: 21,
    degraded_ms: 300,
    down_ms: 900,
    timeout_ms: 5000,
  },
};

describe("probe form", () => {
  it("round-trips a stored probe's settings through the form unchanged", () => {
    const form = formFromProbe(stored);
    expect(form).toMatchObject({
      target: "https://shop.example/health",
      expected_status: "200, 204",
      enabled: false,
    });
    expect(configFromForm(form)).toEqual({ ok: true, config: stored.config });
    expect(scheduleFromForm(form)).toEqual({
      ok: true,
      interval_seconds: 30,
      failures_to_open: 3,
      successes_to_resolve: 1,
    });
  });

  it("keeps a TCP probe's IPv6 host in brackets", () => {
    const form = formFromProbe({
      ...stored,
      kind: "tcp",
      config: { kind: "tcp", host: "::1", port: 22, degraded_ms: 80, down_ms: 200, timeout_ms: 1000 },
    });
    expect(form.target).toBe("[::1]:22");
    expect(configFromForm(form)).toMatchObject({ ok: true, config: { kind: "tcp", host: "::1", port: 22 } });
  });

  it.each([
    [{ target: "example.com" }, "target"],
    [{ target: "ftp://example.com" }, "target"],
    [{ kind: "tcp" as const, target: "db.lan" }, "target"],
    [{ target: "https://a.example", degraded_ms: "500", down_ms: "100" }, "degraded_ms"],
    [{ target: "https://a.example", timeout_ms: "50" }, "timeout_ms"],
    [{ target: "https://a.example", timeout_ms: "1.5" }, "timeout_ms"],
    [{ target: "https://a.example", expected_status: "200, OK" }, "expected_status"],
    [{ target: "https://a.example", expected_status: "700" }, "expected_status"],
    [{ target: "https://a.example", tls_warn_days: "" }, "tls_warn_days"],
  ])("names the wrong field of %j", (change, field) => {
    expect(configFromForm({ ...NEW_PROBE, ...change })).toMatchObject({ ok: false, field });
  });

  it("refuses an interval the API would refuse", () => {
    expect(scheduleFromForm({ ...NEW_PROBE, interval_seconds: "5" })).toMatchObject({
      ok: false,
      field: "interval_seconds",
    });
  });

  it("shows the thresholds, keyword and TLS settings a probe runs with", () => {
    const rows = Object.fromEntries(describeProbeSettings(stored.config).map((r) => [r.label, r.value]));
    expect(rows).toMatchObject({
      URL: "https://shop.example/health",
      "Expected status": "200, 204",
      "Must contain": '"Welcome"',
      "Degraded above": "300 ms",
      "Down above": "900 ms",
      Timeout: "5000 ms",
    });
    expect(rows["TLS certificate"]).toContain("21 days");
  });

  it("says what a test run saw in one line", () => {
    expect(
      describeTestResult({
        status: "ok",
        message: "42 ms",
        latency_ms: 41.7,
        status_code: 200,
        tls_days_left: 60,
      }),
    ).toBe("OK · HTTP 200 · 42 ms · certificate valid 60 more days · 42 ms");
    expect(
      describeTestResult({
        status: "down",
        message: "no answer within 300 ms",
        latency_ms: null,
        status_code: null,
        tls_days_left: null,
      }),
    ).toBe("Down · no answer within 300 ms");
  });
});
