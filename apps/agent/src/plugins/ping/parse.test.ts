import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type PingResult, parsePingOutput } from "./parse.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("parsePingOutput on recorded ping runs", () => {
  it.each<[string, PingResult]>([
    [
      "iputils-ok.txt",
      {
        transmitted: 3,
        received: 3,
        lossPercent: 0,
        minMs: 0.036,
        avgMs: 0.043,
        maxMs: 0.057,
        mdevMs: 0.009,
      },
    ],
    [
      "iputils-ok1.txt",
      { transmitted: 1, received: 1, lossPercent: 0, minMs: 0.018, avgMs: 0.018, maxMs: 0.018, mdevMs: 0 },
    ],
    [
      "iputils-ok6.txt",
      {
        transmitted: 3,
        received: 3,
        lossPercent: 0,
        minMs: 0.023,
        avgMs: 0.035,
        maxMs: 0.044,
        mdevMs: 0.009,
      },
    ],
    [
      "iputils-partial.txt",
      { transmitted: 6, received: 3, lossPercent: 50, minMs: 0.042, avgMs: 0.05, maxMs: 0.065, mdevMs: 0.01 },
    ],
    ["iputils-loss.txt", { transmitted: 3, received: 0, lossPercent: 100 }],
    [
      "iputils-host-unreachable.txt",
      { transmitted: 4, received: 0, lossPercent: 100, error: "Destination Host Unreachable" },
    ],
    [
      "iputils-nxdomain.txt",
      { transmitted: 0, received: 0, lossPercent: 100, error: "Name or service not known" },
    ],
    [
      "iputils-dns.txt",
      { transmitted: 0, received: 0, lossPercent: 100, error: "Temporary failure in name resolution" },
    ],
    ["iputils-unreach.txt", { transmitted: 0, received: 0, lossPercent: 100, error: "No route to host" }],
    [
      "iputils-netunreach.txt",
      { transmitted: 0, received: 0, lossPercent: 100, error: "Network is unreachable" },
    ],
    [
      "iputils-no-capability.txt",
      {
        transmitted: 0,
        received: 0,
        lossPercent: 100,
        error: "Operation not permitted",
        permissionDenied: true,
      },
    ],
    [
      "busybox-ok.txt",
      { transmitted: 3, received: 3, lossPercent: 0, minMs: 0.072, avgMs: 0.075, maxMs: 0.08 },
    ],
    ["busybox-loss.txt", { transmitted: 3, received: 0, lossPercent: 100 }],
  ])("%s", (name, expected) => {
    expect(parsePingOutput(fixture(name))).toEqual(expected);
  });

  it("says what it got when the output is not ping's", () => {
    expect(parsePingOutput("Segmentation fault\n").error).toBe(
      'unreadable ping output: "Segmentation fault"',
    );
  });
});
