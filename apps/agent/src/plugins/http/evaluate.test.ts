import { readFileSync } from "node:fs";
import { HttpMonitorOptions } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import {
  type AttemptResult,
  certDaysLeft,
  describeError,
  evaluateAttempt,
  statusMatches,
} from "./evaluate.ts";

const NOW = Date.parse("2026-11-22T12:00:00Z");
const criteria = { tls_warn_days: 14 };
const ok: AttemptResult = { status: 200, statusText: "OK", body: "<h1>Welcome</h1>", latencyMs: 42.4 };

describe("statusMatches", () => {
  it.each([
    [200, undefined, true],
    [301, undefined, true],
    [404, undefined, false],
    [503, undefined, false],
    [204, 200, false],
    [204, "2xx", true],
    [401, [200, 401], true],
    [302, "200-299", false],
    [299, "200-299", true],
  ] as const)("status %i against %j -> %s", (code, expected, matches) => {
    expect(statusMatches(code, expected as never)).toBe(matches);
  });
});

describe("evaluateAttempt", () => {
  it("is ok with the status line and latency", () => {
    expect(evaluateAttempt(ok, criteria, NOW)).toMatchObject({ status: "ok", message: "200 OK in 42 ms" });
  });

  it("is down on an unexpected status, naming what was expected", () => {
    const verdict = evaluateAttempt({ ...ok, status: 503, statusText: "Service Unavailable" }, criteria, NOW);
    expect(verdict).toMatchObject({
      status: "down",
      message: "expected status 200-399, got 503 Service Unavailable",
      retryable: true,
    });
  });

  it("is down when the keyword is missing or the absent keyword is present", () => {
    expect(evaluateAttempt(ok, { ...criteria, keyword: "Hello" }, NOW)).toMatchObject({
      status: "down",
      message: 'keyword "Hello" not found in the response',
      keywordFound: false,
    });
    expect(evaluateAttempt(ok, { ...criteria, keyword: "Welcome" }, NOW)).toMatchObject({
      status: "ok",
      keywordFound: true,
    });
    expect(evaluateAttempt(ok, { ...criteria, keyword_absent: "Welcome" }, NOW)).toMatchObject({
      status: "down",
      message: '"Welcome" found in the response',
    });
  });

  it("applies latency thresholds only when configured", () => {
    const slow = { ...ok, latencyMs: 350 };
    expect(evaluateAttempt(slow, criteria, NOW).status).toBe("ok");
    expect(evaluateAttempt(slow, { ...criteria, degraded_ms: 300 }, NOW)).toMatchObject({
      status: "degraded",
      message: "200 OK in 350 ms; slow: 350 ms (degraded at 300 ms)",
    });
    expect(evaluateAttempt(slow, { ...criteria, degraded_ms: 100, down_ms: 300 }, NOW)).toMatchObject({
      status: "down",
      message: "200 OK but slow: 350 ms (down at 300 ms)",
    });
  });

  it("warns before the certificate expires and is down once it has, without retrying", () => {
    const soon = evaluateAttempt({ ...ok, certValidTo: "Dec  2 12:00:00 2026 GMT" }, criteria, NOW);
    expect(soon).toMatchObject({
      status: "degraded",
      daysLeft: 10,
      message: "200 OK in 42 ms; TLS certificate expires in 10 day(s), on 2026-12-02",
    });
    const fine = evaluateAttempt({ ...ok, certValidTo: "Feb 20 12:00:00 2027 GMT" }, criteria, NOW);
    expect(fine).toMatchObject({
      status: "ok",
      daysLeft: 90,
      message: "200 OK in 42 ms, certificate valid 90 more days",
    });
    const expired = evaluateAttempt({ ...ok, certValidTo: "Nov 19 12:00:00 2026 GMT" }, criteria, NOW);
    expect(expired).toMatchObject({
      status: "down",
      retryable: false,
      message: "TLS certificate expired 3 day(s) ago",
    });
  });

  it("reports a request error as down, retryable unless it is a certificate problem", () => {
    const refused = describeError(
      { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:1" },
      "127.0.0.1:1",
    );
    expect(evaluateAttempt({ latencyMs: 1, error: refused }, criteria, NOW)).toEqual({
      status: "down",
      message: "127.0.0.1:1: connection refused (ECONNREFUSED)",
      retryable: true,
    });
    const untrusted = describeError(
      { code: "DEPTH_ZERO_SELF_SIGNED_CERT", message: "self-signed certificate" },
      "h",
    );
    expect(evaluateAttempt({ latencyMs: 1, error: untrusted }, criteria, NOW)).toMatchObject({
      status: "down",
      retryable: false,
    });
    expect(untrusted.message).toMatch(/^TLS certificate not trusted: self-signed certificate/);
  });
});

describe("certDaysLeft", () => {
  it("reads valid_to of a recorded getPeerCertificate() answer", () => {
    const peer = JSON.parse(
      readFileSync(new URL("./fixtures/peer-certificate.json", import.meta.url), "utf8"),
    ) as {
      valid_from: string;
      valid_to: string;
    };
    // Issued for 90 days: 90 days left at issue time, 89 one second later.
    expect(certDaysLeft(peer.valid_to, Date.parse(peer.valid_from))).toBe(90);
    expect(certDaysLeft(peer.valid_to, Date.parse(peer.valid_from) + 1000)).toBe(89);
  });

  it("counts whole days left from node's valid_to format", () => {
    expect(certDaysLeft("Nov 23 11:59:59 2026 GMT", NOW)).toBe(0);
    expect(certDaysLeft("not a date", NOW)).toBeUndefined();
  });
});

describe("http config", () => {
  it("rejects unknown keys and non-http URLs", () => {
    const unknown = HttpMonitorOptions.safeParse({ url: "https://example.com", expect_status: 200 });
    expect(unknown.error?.issues[0]?.message).toMatch(/expect_status/);
    expect(HttpMonitorOptions.safeParse({ url: "ftp://example.com" }).success).toBe(false);
  });

  it("accepts codes, classes and ranges as expected status and lower-case methods", () => {
    const config = HttpMonitorOptions.parse({
      url: "http://x",
      method: "head",
      expected_status: [200, "3xx", "401-403"],
    });
    expect(config.method).toBe("HEAD");
    expect(config.expected_status).toEqual([200, "3xx", "401-403"]);
    expect(HttpMonitorOptions.safeParse({ url: "http://x", expected_status: "2xy" }).success).toBe(false);
  });

  it("refuses a keyword with HEAD, which has no body", () => {
    const result = HttpMonitorOptions.safeParse({ url: "http://x", method: "HEAD", keyword: "ok" });
    expect(result.error?.issues[0]?.path).toEqual(["keyword"]);
  });

  it("parses durations and has 14 days as the TLS warning default", () => {
    const config = HttpMonitorOptions.parse({ url: "http://x", retry_delay: "250ms", attempt_timeout: "2s" });
    expect(config).toMatchObject({ retry_delay: 250, attempt_timeout: 2000, retries: 1, tls_warn_days: 14 });
  });
});
