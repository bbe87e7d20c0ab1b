/**
 * The server page's curated sections: per agent plugin, the few charts and state lists a person
 * reads (the metric names are the ones apps/agent/src/plugins/<plugin> emits). Everything else a
 * plugin sends is "raw" and folds under "All metrics"; names of no plugin are the applications'.
 * Pure data and functions, so the layout is tested without a browser.
 */
import { OVERVIEW_METRICS } from "@custos/protocol/overview-metrics";
import type { UnitFamily } from "@/lib/format.ts";

export interface CuratedLine {
  /** the metric drawn */
  name: string;
  /** the legend entry; with `by`, the label's value is the legend */
  label: string;
  /** one line per value of these labels (disk per mount, temperature per chip and sensor) */
  by?: readonly string[];
}

export interface CuratedChart {
  id: string;
  title: string;
  unit: UnitFamily;
  /** a fixed top (100 for percents of a whole) */
  max?: number;
  lines: readonly CuratedLine[];
  /** the number in the card's corner: the latest value of the first line, the highest line's, or in/out */
  headline: "first" | "highest" | "in-out";
  /** extra names read for the headline only: the total behind a percent ("65 GB of 100 GB") */
  context?: readonly string[];
}

/** A 0/1 metric per label value shown as a list of states (containers, units, camera channels). */
export interface StateList {
  id: string;
  title: string;
  name: string;
  label: string;
  on: string;
  off: string;
}

export interface PluginSection {
  id: string;
  title: string;
  /** the name prefixes this plugin emits (a name belongs to the first section that matches) */
  prefixes: readonly string[];
  charts: readonly CuratedChart[];
  lists: readonly StateList[];
}

/** The sections in page order; system first, then the plugins people run most. */
export const SECTIONS: readonly PluginSection[] = [
  {
    id: "system",
    title: "System",
    prefixes: ["cpu.", "memory.", "swap.", "disk.", "net.", "load.", "uptime.", "sensors."],
    charts: [
      {
        id: "cpu",
        title: "CPU",
        unit: "percent",
        max: 100,
        lines: [
          { name: OVERVIEW_METRICS.cpu, label: "CPU used" },
          { name: "cpu.iowait_percent", label: "I/O wait" },
        ],
        headline: "first",
      },
      {
        id: "memory",
        title: "Memory",
        unit: "percent",
        max: 100,
        lines: [
          { name: OVERVIEW_METRICS.memory, label: "Memory used" },
          { name: "swap.used_percent", label: "Swap used" },
        ],
        headline: "first",
        context: ["memory.total_bytes"],
      },
      {
        id: "disk",
        title: "Disk used",
        unit: "percent",
        max: 100,
        lines: [{ name: OVERVIEW_METRICS.disk, label: "mount", by: ["mount"] }],
        headline: "highest",
        // used = percent x total: one name fewer, so a typical host's sections stay one request
        context: ["disk.total_bytes"],
      },
      {
        id: "network",
        title: "Network",
        unit: "bytes_per_s",
        lines: [
          { name: "net.rx_bytes_per_s", label: "In" },
          { name: "net.tx_bytes_per_s", label: "Out" },
        ],
        headline: "in-out",
      },
      {
        id: "load",
        title: "Load average",
        unit: "count",
        lines: [
          { name: OVERVIEW_METRICS.load1, label: "1 min" },
          { name: "load.5", label: "5 min" },
          { name: "load.15", label: "15 min" },
        ],
        headline: "first",
      },
      {
        id: "temperatures",
        title: "Temperatures",
        unit: "celsius",
        lines: [{ name: "sensors.temperature_c", label: "sensor", by: ["chip", "sensor"] }],
        headline: "highest",
      },
    ],
    lists: [],
  },
  {
    id: "docker",
    title: "Docker",
    prefixes: ["docker."],
    charts: [
      {
        id: "containers",
        title: "Containers",
        unit: "count",
        lines: [
          { name: "docker.containers.running", label: "Running" },
          { name: "docker.containers.stopped", label: "Stopped" },
          { name: "docker.containers.unhealthy", label: "Unhealthy" },
        ],
        headline: "first",
      },
    ],
    lists: [
      {
        id: "container-states",
        title: "Containers",
        name: "docker.container.running",
        label: "container",
        on: "running",
        off: "stopped",
      },
    ],
  },
  {
    id: "systemd",
    title: "systemd",
    prefixes: ["systemd."],
    charts: [
      {
        id: "failed-units",
        title: "Failed units",
        unit: "count",
        lines: [{ name: "systemd.failed_units", label: "Failed" }],
        headline: "first",
      },
    ],
    lists: [
      {
        id: "unit-states",
        title: "Units",
        name: "systemd.unit.active",
        label: "unit",
        on: "active",
        off: "inactive",
      },
    ],
  },
  {
    id: "hikvision",
    title: "NVR (Hikvision)",
    prefixes: ["hikvision."],
    charts: [
      {
        id: "cameras",
        title: "Cameras",
        unit: "count",
        lines: [
          { name: "hikvision.cameras.online", label: "Online" },
          { name: "hikvision.cameras.offline", label: "Offline" },
        ],
        headline: "first",
      },
    ],
    lists: [
      {
        id: "channels",
        title: "Channels",
        name: "hikvision.camera.online",
        label: "channel",
        on: "online",
        off: "offline",
      },
    ],
  },
  {
    id: "postgres",
    title: "PostgreSQL",
    prefixes: ["postgres."],
    charts: [
      {
        id: "connections",
        title: "Connections used",
        unit: "percent",
        max: 100,
        lines: [{ name: "postgres.connections.used_percent", label: "Used" }],
        headline: "first",
      },
      {
        id: "replication",
        title: "Replication lag",
        unit: "seconds",
        lines: [{ name: "postgres.replication_lag_seconds", label: "Lag" }],
        headline: "first",
      },
    ],
    lists: [],
  },
  {
    id: "ups",
    title: "UPS",
    prefixes: ["ups."],
    charts: [
      {
        id: "battery",
        title: "Battery and load",
        unit: "percent",
        max: 100,
        lines: [
          { name: "ups.battery.charge_percent", label: "Charge" },
          { name: "ups.load_percent", label: "Load" },
        ],
        headline: "first",
      },
      {
        id: "runtime",
        title: "Runtime on battery",
        unit: "seconds",
        lines: [{ name: "ups.runtime_seconds", label: "Runtime" }],
        headline: "first",
      },
    ],
    lists: [],
  },
  {
    id: "smart",
    title: "Disks (SMART)",
    prefixes: ["smart."],
    charts: [
      {
        id: "disk-temperatures",
        title: "Disk temperatures",
        unit: "celsius",
        lines: [{ name: "smart.temperature_c", label: "device", by: ["device"] }],
        headline: "highest",
      },
    ],
    lists: [],
  },
];

/** Prefixes of the agent's plugins without a section: their metrics are raw ("All metrics"). */
const OTHER_PLUGIN_PREFIXES = [
  "agent_",
  "process.",
  "tailscale.",
  "minio.",
  "power.",
  "ping.",
  "http.",
  "dns.",
  "ssl.",
  "prometheus.",
];

export interface PageLayout {
  /** the sections with data, each with only the charts and lists it has data for */
  sections: PluginSection[];
  /** every name the sections read, present on this server, in one list (one request) */
  curatedNames: string[];
  /** names of a plugin that no section draws (a total read for a headline too): under "All metrics" */
  rawNames: string[];
  /** names no plugin emits: what applications send through the agent */
  applicationNames: string[];
}

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function chartNames(chart: CuratedChart): string[] {
  return [...chart.lines.map((l) => l.name), ...(chart.context ?? [])];
}

/** Pure: which plugin a name belongs to (its section's id, "other" for a plugin without one). */
export function pluginOf(name: string): string | undefined {
  for (const section of SECTIONS) if (section.prefixes.some((p) => name.startsWith(p))) return section.id;
  return OTHER_PLUGIN_PREFIXES.some((p) => name.startsWith(p)) ? "other" : undefined;
}

/** Pure: the page's layout from the server's metric names. */
export function pageLayout(names: readonly string[]): PageLayout {
  const present = new Set(names);
  const sections: PluginSection[] = [];
  const curated = new Set<string>();
  // the names a chart or list draws; a headline's context (a total) is read but still listed raw
  const drawn = new Set<string>();
  for (const section of SECTIONS) {
    const charts = section.charts.filter((c) => c.lines.some((l) => present.has(l.name)));
    const lists = section.lists.filter((l) => present.has(l.name));
    if (charts.length === 0 && lists.length === 0) continue;
    sections.push({ ...section, charts, lists });
    for (const chart of charts) {
      for (const name of chartNames(chart)) if (present.has(name)) curated.add(name);
      for (const line of chart.lines) if (present.has(line.name)) drawn.add(line.name);
    }
    for (const list of lists) {
      curated.add(list.name);
      drawn.add(list.name);
    }
  }
  const rest = [...present].filter((n) => !drawn.has(n)).sort(natural.compare);
  return {
    sections,
    curatedNames: [...curated],
    rawNames: rest.filter((n) => pluginOf(n) !== undefined),
    applicationNames: rest.filter((n) => pluginOf(n) === undefined),
  };
}
