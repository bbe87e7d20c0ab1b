import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";

/**
 * What one simulated server sends: the series the agent's `system` plugin produces on a small
 * VM (2 cores, one disk, one NIC, one mount), 30 series, with the agent's metric names and
 * labels. A batch carries two points per series 15 s apart (15 s collection, 30 s push):
 * 30 x 2 = 60 samples. Device, interface and mount names vary by server, so servers differ
 * but each keeps a stable set of series.
 */
export interface SeriesDef {
  name: string;
  labels?: Record<string, string>;
  kind: "percent" | "bytes" | "rate" | "load" | "seconds";
}

const DEVICES = ["vda", "sda", "nvme0n1"];
const IFACES = ["eth0", "ens3", "enp1s0"];
const MOUNTS = ["/", "/srv", "/var"];

export function seriesFor(serverIndex: number): SeriesDef[] {
  const device = DEVICES[serverIndex % DEVICES.length] as string;
  const iface = IFACES[serverIndex % IFACES.length] as string;
  const mount = MOUNTS[serverIndex % MOUNTS.length] as string;
  return [
    { name: "cpu.percent", kind: "percent" },
    { name: "cpu.iowait_percent", kind: "percent" },
    { name: "cpu.steal_percent", kind: "percent" },
    { name: "cpu.core.percent", labels: { core: "0" }, kind: "percent" },
    { name: "cpu.core.percent", labels: { core: "1" }, kind: "percent" },
    { name: "load.1", kind: "load" },
    { name: "load.5", kind: "load" },
    { name: "load.15", kind: "load" },
    { name: "memory.used_percent", kind: "percent" },
    { name: "memory.used_bytes", kind: "bytes" },
    { name: "memory.available_bytes", kind: "bytes" },
    { name: "memory.total_bytes", kind: "bytes" },
    { name: "swap.used_percent", kind: "percent" },
    { name: "swap.used_bytes", kind: "bytes" },
    { name: "swap.total_bytes", kind: "bytes" },
    { name: "uptime.seconds", kind: "seconds" },
    { name: "disk.read_bytes_per_s", labels: { device }, kind: "rate" },
    { name: "disk.write_bytes_per_s", labels: { device }, kind: "rate" },
    { name: "disk.read_ops_per_s", labels: { device }, kind: "rate" },
    { name: "disk.write_ops_per_s", labels: { device }, kind: "rate" },
    { name: "disk.busy_percent", labels: { device }, kind: "percent" },
    { name: "net.rx_bytes_per_s", labels: { iface }, kind: "rate" },
    { name: "net.tx_bytes_per_s", labels: { iface }, kind: "rate" },
    { name: "net.rx_packets_per_s", labels: { iface }, kind: "rate" },
    { name: "net.tx_packets_per_s", labels: { iface }, kind: "rate" },
    { name: "net.errors_per_s", labels: { iface }, kind: "rate" },
    { name: "disk.used_percent", labels: { mount }, kind: "percent" },
    { name: "disk.used_bytes", labels: { mount }, kind: "bytes" },
    { name: "disk.free_bytes", labels: { mount }, kind: "bytes" },
    { name: "disk.total_bytes", labels: { mount }, kind: "bytes" },
  ];
}

export const POINTS_PER_SERIES = 2;
export const POINT_SPACING_MS = 15_000;
export const SERIES_PER_SERVER = seriesFor(0).length;
export const BATCH_SAMPLES = SERIES_PER_SERVER * POINTS_PER_SERIES;

/** The key the backend's series cache uses: name + labels with sorted keys. */
export function seriesKey(name: string, labels: Record<string, string> | undefined): string {
  const keys = labels ? Object.keys(labels).sort() : [];
  return `${name}\u0000${keys.length ? JSON.stringify(Object.fromEntries(keys.map((k) => [k, labels?.[k]]))) : "{}"}`;
}

function value(kind: SeriesDef["kind"]): number {
  const r = Math.random();
  switch (kind) {
    case "percent":
      return Math.round(r * 10_000) / 100;
    case "bytes":
      return Math.round(r * 16 * 2 ** 30);
    case "rate":
      return Math.round(r * 5_000_000) / 10;
    case "load":
      return Math.round(r * 400) / 100;
    case "seconds":
      return Math.round(1_000_000 + r * 1000);
  }
}

export type TsFormat = "ms" | "iso";

export interface Batch {
  serverIndex: number;
  serverId: string;
  batchId: string;
  /** sample i: series (i mod SERIES_PER_SERVER) at time ms[i] */
  ms: number[];
  values: number[];
}

/** A fresh batch: new batch id, timestamps ending now, new values. */
export function makeBatch(serverIndex: number, serverId: string, now = Date.now()): Batch {
  const series = seriesFor(serverIndex);
  const ms: number[] = [];
  const values: number[] = [];
  for (let p = POINTS_PER_SERIES - 1; p >= 0; p--) {
    for (const s of series) {
      ms.push(now - p * POINT_SPACING_MS);
      values.push(value(s.kind));
    }
  }
  return { serverIndex, serverId, batchId: randomUUID(), ms, values };
}

/** The wire body of a batch (`MetricsBatch` of packages/protocol), uncompressed. */
export function batchJson(batch: Batch, tsFormat: TsFormat): string {
  const series = seriesFor(batch.serverIndex);
  const samples = batch.ms.map((ms, i) => {
    const s = series[i % series.length] as SeriesDef;
    const ts = tsFormat === "ms" ? ms : new Date(ms).toISOString();
    return s.labels
      ? { ts, name: s.name, labels: s.labels, value: batch.values[i] }
      : { ts, name: s.name, value: batch.values[i] };
  });
  return JSON.stringify({ server_id: batch.serverId, batch_id: batch.batchId, samples });
}

export interface WireBatch {
  serverIndex: number;
  body: Buffer;
  rawBytes: number;
}

/** gzip at zlib's default level, as an agent would send it. */
export function wireBatch(serverIndex: number, serverId: string, tsFormat: TsFormat): WireBatch {
  const json = batchJson(makeBatch(serverIndex, serverId), tsFormat);
  return { serverIndex, body: gzipSync(json), rawBytes: Buffer.byteLength(json) };
}

/**
 * Request bodies for the HTTP phase. "ring": built right before each measured level (not timed),
 * each with its own batch id and timestamps and each sent exactly once, so the load generator
 * spends its share of the 2 cores on HTTP only; samples are then 0-40 s old when sent (plus the
 * 15 s of the older point), like a real push every 30 s. "live": built (JSON + gzip) per request inside
 * the measured window, as a real agent fleet would. When a ring runs dry the rest is built live
 * and counted.
 */
export class BodySource {
  readonly #serverIds: string[];
  readonly #tsFormat: TsFormat;
  readonly #mode: "ring" | "live";
  #queue: WireBatch[] = [];
  #head = 0;
  #next = 0;
  builtLive = 0;
  gzipBytes = 0;
  rawBytes = 0;
  built = 0;

  constructor(serverIds: string[], tsFormat: TsFormat, mode: "ring" | "live") {
    this.#serverIds = serverIds;
    this.#tsFormat = tsFormat;
    this.#mode = mode;
  }

  get mode(): "ring" | "live" {
    return this.#mode;
  }

  #build(): WireBatch {
    const index = this.#next++ % this.#serverIds.length;
    const w = wireBatch(index, this.#serverIds[index] as string, this.#tsFormat);
    this.built++;
    this.gzipBytes += w.body.length;
    this.rawBytes += w.rawBytes;
    return w;
  }

  /**
   * Replaces the ring with `count` new bodies (ring mode). Leftovers of an earlier level are
   * dropped: a body's timestamps are its build time, and a sample older than 90 s counts as late
   * for the rollups (the ingest trigger copies it to a backlog), which real pushes are not.
   */
  fill(count: number): void {
    if (this.#mode !== "ring") return;
    this.#queue = [];
    this.#head = 0;
    while (this.#queue.length < count) this.#queue.push(this.#build());
  }

  take(): WireBatch {
    if (this.#head < this.#queue.length) {
      const w = this.#queue[this.#head] as WireBatch;
      this.#queue[this.#head++] = undefined as unknown as WireBatch;
      return w;
    }
    if (this.#mode === "ring") this.builtLive++;
    return this.#build();
  }

  get ready(): number {
    return this.#queue.length - this.#head;
  }
}
