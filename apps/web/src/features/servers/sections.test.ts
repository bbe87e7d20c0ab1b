import { describe, expect, it } from "vitest";
import type { MetricsResponse } from "@/lib/contract.ts";
import { toRows } from "@/lib/series.ts";
import { buildChart, headlineOf, latestOf, legendOf, mountLines, stateItems } from "./charts.tsx";
import { NAMES_PER_REQUEST } from "./metric-list.ts";
import { pageLayout, pluginOf, SECTIONS } from "./sections.ts";

/** What a real host's agent sends (system, sensors, docker, systemd) and an application's metric. */
const HOST = [
  "cpu.percent",
  "cpu.iowait_percent",
  "cpu.steal_percent",
  "cpu.core.percent",
  "load.1",
  "load.5",
  "load.15",
  "memory.used_percent",
  "memory.used_bytes",
  "memory.total_bytes",
  "memory.available_bytes",
  "swap.used_percent",
  "swap.total_bytes",
  "uptime.seconds",
  "disk.used_percent",
  "disk.used_bytes",
  "disk.total_bytes",
  "disk.read_bytes_per_s",
  "net.rx_bytes_per_s",
  "net.tx_bytes_per_s",
  "sensors.temperature_c",
  "sensors.fan_rpm",
  "docker.containers.running",
  "docker.containers.stopped",
  "docker.containers.total",
  "docker.containers.unhealthy",
  "docker.container.running",
  "systemd.failed_units",
  "systemd.unit.active",
  "systemd.unit.restarts",
  "agent_rss_bytes",
  "queue_depth",
];

describe("the server page's layout", () => {
  it("puts system first, then one section per plugin present, in a fixed order", () => {
    const layout = pageLayout(HOST);
    expect(layout.sections.map((s) => s.id)).toEqual(["system", "docker", "systemd"]);
    expect(layout.sections[0]?.charts.map((c) => c.title)).toEqual([
      "CPU",
      "Memory",
      "Disk used",
      "Network",
      "Load average",
      "Temperatures",
    ]);
  });

  it("folds the plugins' other metrics under All metrics and keeps the applications' apart", () => {
    const layout = pageLayout(HOST);
    expect(layout.rawNames).toContain("memory.available_bytes");
    expect(layout.rawNames).toEqual(
      expect.arrayContaining(["uptime.seconds", "swap.total_bytes", "cpu.core.percent", "agent_rss_bytes"]),
    );
    expect(layout.rawNames).not.toContain("cpu.percent");
    expect(layout.applicationNames).toEqual(["queue_depth"]);
    // every name shows somewhere, once
    const drawn = layout.sections.flatMap((s) => [
      ...s.charts.flatMap((c) => c.lines.map((l) => l.name)),
      ...s.lists.map((l) => l.name),
    ]);
    const shown = [...drawn, ...layout.rawNames, ...layout.applicationNames];
    expect(shown.sort()).toEqual([...HOST].sort());
    // a total read for a headline ("of 100 GB") still has its own raw chart
    expect(layout.curatedNames).toContain("memory.total_bytes");
    expect(layout.rawNames).toContain("memory.total_bytes");
  });

  it("asks for the sections' series in one request for a typical host", () => {
    expect(pageLayout(HOST).curatedNames.length).toBeLessThanOrEqual(NAMES_PER_REQUEST);
  });

  it("leaves out charts and sections without data", () => {
    const layout = pageLayout(["cpu.percent", "queue_depth"]);
    expect(layout.sections.map((s) => s.id)).toEqual(["system"]);
    expect(layout.sections[0]?.charts.map((c) => c.id)).toEqual(["cpu"]);
    expect(pageLayout([]).sections).toEqual([]);
  });

  it("knows each plugin by its prefix", () => {
    expect(pluginOf("hikvision.camera.online")).toBe("hikvision");
    expect(pluginOf("tailscale.peers.online")).toBe("other");
    expect(pluginOf("myapp.errors")).toBeUndefined();
  });

  it("spells every section's metric names as the agent's plugins do", () => {
    for (const section of SECTIONS) {
      for (const chart of section.charts)
        for (const line of chart.lines) expect(pluginOf(line.name), line.name).toBe(section.id);
      for (const list of section.lists) expect(pluginOf(list.name), list.name).toBe(section.id);
    }
  });
});

const answer = (series: MetricsResponse["series"]): MetricsResponse => ({
  range: "1h",
  step_seconds: 60,
  from: "2026-12-05T10:00:00Z",
  to: "2026-12-05T10:02:00Z",
  series,
});
const t0 = Date.parse("2026-12-05T10:00:00Z");
const t1 = t0 + 60_000;
const system = SECTIONS[0];
/** A bucket: time, average, min, max. */
const p = (t: number, v: number): [number, number, number, number] => [t, v, v, v];

describe("a section's charts", () => {
  it("sums the network interfaces into in and out and says both", () => {
    const network = system?.charts.find((c) => c.id === "network");
    if (!network) throw new Error("network chart");
    const data = answer([
      { name: "net.rx_bytes_per_s", labels: { iface: "eth0" }, points: [p(t1, 650e6)] },
      { name: "net.rx_bytes_per_s", labels: { iface: "eth1" }, points: [p(t1, 650e6)] },
      { name: "net.tx_bytes_per_s", labels: { iface: "eth0" }, points: [p(t1, 120e6)] },
    ]);
    const built = buildChart(network, data);
    expect(built.series.map((s) => s.label)).toEqual(["In", "Out"]);
    expect(headlineOf(built, toRows(data, built.columns), data)).toBe("↓ 1.3 GB/s ↑ 120 MB/s");
  });

  it("draws a line per sensor, named by driver and sensor, and headlines the hottest", () => {
    const temps = system?.charts.find((c) => c.id === "temperatures");
    if (!temps) throw new Error("temperature chart");
    const data = answer([
      {
        name: "sensors.temperature_c",
        labels: { chip: "coretemp-isa-0000", sensor: "Package id 0" },
        points: [p(t1, 51)],
      },
      {
        name: "sensors.temperature_c",
        labels: { chip: "nvme-pci-0100", sensor: "Composite" },
        points: [p(t1, 39)],
      },
    ]);
    const built = buildChart(temps, data);
    expect(built.series.map((s) => s.label)).toEqual(["coretemp · Package id 0", "nvme · Composite"]);
    expect(headlineOf(built, toRows(data, built.columns), data)).toBe("51 °C hottest");
    expect(legendOf({ mount: "/data" }, ["mount"])).toBe("/data");
  });

  it("says memory as a percent and how much of how much", () => {
    const memory = system?.charts.find((c) => c.id === "memory");
    if (!memory) throw new Error("memory chart");
    const data = answer([
      { name: "memory.used_percent", labels: {}, points: [p(t1, 65)] },
      { name: "memory.total_bytes", labels: {}, points: [p(t1, 100e9)] },
    ]);
    const built = buildChart(memory, data);
    expect(headlineOf(built, toRows(data, built.columns), data)).toBe("65% · 65 GB of 100 GB");
  });

  it("lists each mount with its fill and size", () => {
    const data = answer([
      { name: "disk.used_percent", labels: { mount: "/data" }, points: [p(t1, 87)] },
      { name: "disk.total_bytes", labels: { mount: "/data" }, points: [p(t1, 100e9)] },
      { name: "disk.used_percent", labels: { mount: "/" }, points: [p(t0, 40), p(t1, 41)] },
    ]);
    expect(mountLines(data)).toEqual([
      { mount: "/", text: "41%" },
      { mount: "/data", text: "87% · 87 GB of 100 GB" },
    ]);
    expect(latestOf(data, "disk.used_percent", { mount: "/" })).toBe(41);
    expect(latestOf(data, "no.such")).toBeNull();
  });

  it("lists containers by their latest state, the stopped ones first", () => {
    const list = SECTIONS.find((s) => s.id === "docker")?.lists[0];
    if (!list) throw new Error("container list");
    const data = answer([
      { name: "docker.container.running", labels: { container: "web" }, points: [p(t1, 1)] },
      { name: "docker.container.running", labels: { container: "old-cron" }, points: [p(t0, 1), p(t1, 0)] },
      { name: "docker.container.running", labels: { container: "db" }, points: [] },
    ]);
    expect(stateItems(list, data)).toEqual([
      { name: "old-cron", on: false },
      { name: "web", on: true },
    ]);
  });
});
