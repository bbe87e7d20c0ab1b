import { describe, expect, it } from "vitest";
import { compareAnswers, evaluateDdns, evaluateQuery } from "./evaluate.ts";

describe("answers", () => {
  it.each([
    ["AAAA", ["2001:db8::1"], ["2001:0db8:0:0:0:0:0:1"], "contains", [], []],
    ["CNAME", ["Target.Example.com"], ["target.example.com."], "contains", [], []],
    ["MX", ["10 mail.example.com"], ["10  MAIL.example.com."], "exact", [], []],
    ["A", ["192.0.2.1", "192.0.2.2"], ["192.0.2.1"], "contains", [], []],
    ["A", ["192.0.2.1", "192.0.2.2"], ["192.0.2.1"], "exact", [], ["192.0.2.2"]],
    ["A", ["192.0.2.1"], ["192.0.2.9"], "contains", ["192.0.2.9"], []],
  ] as const)(
    "compares %s answers %o with expected %o (%s)",
    (type, answers, expected, match, missing, unexpected) => {
      expect(compareAnswers(type, [...answers], [...expected], match)).toEqual({ missing, unexpected });
    },
  );

  it.each([
    [{ answers: ["192.0.2.1"], elapsedMs: 3.2 }, "ok", "example.com A: 192.0.2.1 in 3 ms"],
    [
      { answers: ["192.0.2.1"], elapsedMs: 80, slowMs: 50 },
      "degraded",
      "example.com A: slow, 80 ms (limit 50 ms): 192.0.2.1",
    ],
    [
      { answers: ["192.0.2.1"], elapsedMs: 1, expect: ["192.0.2.9"] },
      "down",
      "example.com A: missing 192.0.2.9 (got 192.0.2.1)",
    ],
    [
      { error: "ENOTFOUND", elapsedMs: 1 },
      "down",
      "example.com A: name does not exist (NXDOMAIN) (ENOTFOUND)",
    ],
    [{ error: "ETIMEOUT", elapsedMs: 1 }, "down", "example.com A: resolver timed out (ETIMEOUT)"],
  ] as const)("judges %o as %s", (input, status, message) => {
    expect(
      evaluateQuery({
        name: "example.com",
        type: "A",
        match: "contains",
        ...input,
      }),
    ).toEqual({ status, message });
  });
});

describe("evaluateDdns", () => {
  const now = new Date(Date.UTC(2025, 0, 1, 1, 0));
  it.each([
    [
      { published: ["203.0.113.7"] },
      "ok",
      "home.example.net A = 203.0.113.7, matches this host's public address",
    ],
    [
      { published: ["198.51.100.4"], changedAt: "2025-01-01T00:45:00.000Z" },
      "down",
      "home.example.net A = 198.51.100.4, but this host's public address is 203.0.113.7; the public address changed 15 min ago",
    ],
    [
      { error: "ENOTFOUND" },
      "down",
      "home.example.net A: name does not exist (NXDOMAIN) (ENOTFOUND); public address is 203.0.113.7",
    ],
  ] as const)("judges %o as %s", (input, status, message) => {
    expect(
      evaluateDdns({
        name: "home.example.net",
        record: "A",
        publicAddress: "203.0.113.7",
        now,
        ...input,
      }),
    ).toEqual({ status, message });
  });
});
