import { readFileSync } from "node:fs";
import { DnsMonitorOptions } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import {
  compareAnswers,
  evaluateDdns,
  evaluateQuery,
  formatAnswers,
  HISTORY_LIMIT,
  parsePublicAddress,
  readHistory,
  recordAddress,
} from "./answers.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("answers", () => {
  it("formats MX and multi-chunk TXT answers as comparable text", () => {
    expect(formatAnswers("MX", [{ priority: 10, exchange: "mail.example.com" }])).toEqual([
      "10 mail.example.com",
    ]);
    expect(formatAnswers("TXT", [["v=spf1 ", "-all"]])).toEqual(["v=spf1 -all"]);
  });

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

describe("public address lookup replies", () => {
  it.each([
    ["ipify-plain.txt", "203.0.113.7"],
    ["ipify-json.json", "203.0.113.7"],
    ["ipify-json-v6.json", "2001:db8::42"],
  ])("reads the address from %s", (name, address) => {
    expect(parsePublicAddress(fixture(name))).toBe(address);
  });

  it.each([
    ["<html>rate limited</html>", /not an IP address/],
    ['{"ip": 12}', /not an IP address/],
    ["{broken", /not valid JSON/],
  ])("refuses %j", (body, error) => {
    const parsed = parsePublicAddress(body);
    expect(typeof parsed === "string" ? parsed : parsed.error).toMatch(error);
  });
});

describe("public address history", () => {
  const t = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute));

  it("records the first address without calling it a change, and each change after", () => {
    const first = recordAddress([], "203.0.113.7", t(0));
    expect(first).toEqual({ history: [{ address: "203.0.113.7", since: "2025-01-01T00:00:00.000Z" }] });
    const same = recordAddress(first.history, "203.0.113.7", t(5));
    expect(same).toEqual({ history: first.history });
    const changed = recordAddress(first.history, "198.51.100.4", t(10));
    expect(changed.changedFrom).toBe("203.0.113.7");
    expect(changed.history.map((h) => h.address)).toEqual(["203.0.113.7", "198.51.100.4"]);
  });

  it(`keeps only the newest ${HISTORY_LIMIT} changes`, () => {
    let history = readHistory([]);
    for (let i = 0; i < HISTORY_LIMIT + 10; i++)
      history = recordAddress(history, `198.51.100.${i}`, t(i)).history;
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]?.address).toBe("198.51.100.10");
    expect(history.at(-1)?.address).toBe(`198.51.100.${HISTORY_LIMIT + 9}`);
  });

  it("ignores stored state of another shape", () => {
    expect(readHistory({ not: "a list" })).toEqual([]);
    expect(readHistory([{ address: "1.2.3.4" }, { address: "1.2.3.5", since: "x" }])).toEqual([
      { address: "1.2.3.5", since: "x" },
    ]);
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

describe("dns config", () => {
  it("needs a query or ddns and names unknown keys", () => {
    expect(DnsMonitorOptions.safeParse({}).success).toBe(false);
    const unknown = DnsMonitorOptions.safeParse({ queries: [{ name: "example.com", typ: "A" }] });
    expect(JSON.stringify(unknown.error?.issues)).toContain("typ");
  });

  it.each(["1.1.1.1", "127.0.0.1:5353", "2606:4700::1111", "[::1]:5353"])("accepts server %s", (server) => {
    expect(DnsMonitorOptions.safeParse({ server, queries: [{ name: "example.com" }] }).success).toBe(true);
  });

  it.each(["dns.google", "1.1.1.1:99999", "[1.1.1.1]:53"])("rejects server %s", (server) => {
    expect(DnsMonitorOptions.safeParse({ server, queries: [{ name: "example.com" }] }).success).toBe(false);
  });

  it("defaults DDNS to an A record looked up at api.ipify.org", () => {
    expect(DnsMonitorOptions.parse({ ddns: { name: "home.example.net" } }).ddns).toEqual({
      name: "home.example.net",
      record: "A",
      ip_lookup_url: "https://api.ipify.org",
    });
  });
});
