import { describe, expect, it } from "vitest";
import { MONITOR_OPTIONS, MONITOR_TYPES, monitorOptionsSchema } from "./index.ts";

const firstIssue = (type: keyof typeof MONITOR_OPTIONS, options: unknown) =>
  MONITOR_OPTIONS[type].safeParse(options).error?.issues[0];

describe("monitor options for a backend validating a monitor definition", () => {
  it("lists every monitor type the agent ships, sorted", () => {
    expect(MONITOR_TYPES).toContain("http");
    expect(MONITOR_TYPES).toContain("agent");
    expect([...MONITOR_TYPES]).toEqual([...MONITOR_TYPES].sort());
  });

  it("fills in the agent's defaults", () => {
    expect(MONITOR_OPTIONS.ping.parse({})).toMatchObject({ targets: ["1.1.1.1", "8.8.8.8"], count: 3 });
    expect(MONITOR_OPTIONS.http.parse({ url: "https://example.com", retry_delay: "2s" })).toMatchObject({
      method: "GET",
      retry_delay: 2_000,
    });
  });

  it("names the field a refused value is in, nested ones included", () => {
    expect(firstIssue("http", { url: "ftp://example.com" })?.path).toEqual(["url"]);
    expect(firstIssue("ssl", { targets: ["example.com", "bad host"] })?.path).toEqual(["targets", 1]);
    expect(
      firstIssue("prometheus", {
        url: "http://127.0.0.1:9100/metrics",
        metrics: ["node_*"],
        thresholds: [{ metric: "other", crit_above: 1 }],
      })?.path,
    ).toEqual(["thresholds", 0, "metric"]);
  });

  it("refuses unknown keys and says which", () => {
    expect(firstIssue("docker", { socket: "/run/docker.sock", containerz: ["web"] })).toMatchObject({
      code: "unrecognized_keys",
      keys: ["containerz"],
    });
  });

  it("checks dns resolver addresses without node:net", () => {
    const server = (value: string) =>
      MONITOR_OPTIONS.dns.safeParse({ queries: [{ name: "example.com" }], server: value }).success;
    expect(["1.1.1.1", "1.1.1.1:5353", "2606:4700::1111", "[::1]:5353"].map(server)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["1.1.1", "01.1.1.1", "[::1]:70000", "dns.google"].map(server)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it("has no schema for a type no agent knows", () => {
    expect(monitorOptionsSchema("telnet")).toBeUndefined();
    expect(monitorOptionsSchema("toString")).toBeUndefined();
    expect(monitorOptionsSchema("system")).toBe(MONITOR_OPTIONS.system);
  });
});
