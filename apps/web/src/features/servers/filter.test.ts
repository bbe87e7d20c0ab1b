import { describe, expect, it } from "vitest";
import type { ServerOverviewItem } from "@/lib/contract.ts";
import { filterServers, sortServers } from "./filter.ts";

function server(
  name: string,
  status: ServerOverviewItem["status"],
  cpu: number | null = null,
): ServerOverviewItem {
  return {
    id: name,
    name,
    hostname: `${name}.lan`,
    status,
    last_heartbeat_at: null,
    agent_version: null,
    os: null,
    arch: null,
    heartbeat_timeout_seconds: 120,
    created_at: "2026-11-22T00:00:00Z",
    cpu_percent: cpu,
    memory_used_percent: null,
    disk_used_percent: null,
    metrics_at: null,
    net_rx_bytes_per_s: null,
    net_tx_bytes_per_s: null,
    temperature_c: null,
    cpu_trend: [],
    open_incidents: 0,
    tags: [],
  };
}

const fleet = [
  server("web-2", "up", 10),
  server("db", "down"),
  server("web-10", "up", 80),
  server("nas", "pending"),
];

describe("servers overview filter", () => {
  it("filters by status and searches name or hostname, any case", () => {
    expect(filterServers(fleet, "up", "").map((s) => s.name)).toEqual(["web-2", "web-10"]);
    expect(filterServers(fleet, "all", "WEB").map((s) => s.name)).toEqual(["web-2", "web-10"]);
    expect(filterServers(fleet, "all", "nas.lan").map((s) => s.name)).toEqual(["nas"]);
    expect(filterServers(fleet, "down", "web")).toEqual([]);
  });

  it("puts what needs attention first, names in natural order", () => {
    expect(sortServers([...fleet], "status").map((s) => s.name)).toEqual(["db", "nas", "web-2", "web-10"]);
  });

  it("sorts by load, servers without a value last", () => {
    expect(sortServers([...fleet], "cpu").map((s) => s.name)).toEqual(["web-10", "web-2", "db", "nas"]);
  });
});
