import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "../shared/prometheus-text.ts";
import { type ClusterSummary, evaluate, summarizeCluster, summaryToSamples } from "./evaluate.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const summaryOf = (text: string) => summarizeCluster(parsePrometheusText(text).samples);

describe("summarizeCluster", () => {
  it("reads capacity, drives, nodes and buckets from a recorded single-drive MinIO", () => {
    expect(summaryOf(fixture("metrics-cluster-collectd.prom"))).toEqual({
      capacityTotalBytes: 204489420800,
      capacityFreeBytes: 46783959040,
      capacityUsedBytes: 204489420800 - 46783959040,
      drivesOnline: 1,
      drivesOffline: 0,
      nodesOnline: 1,
      nodesOffline: 0,
      buckets: 1,
    });
  });

  it("reads the offline drives of a recorded 4-drive set with two drives gone", () => {
    expect(summaryOf(fixture("metrics-cluster-2-drives-offline.prom"))).toEqual({
      drivesOnline: 2,
      drivesOffline: 2,
    });
  });

  it("folds the same cluster value reported by several servers and ignores NaN", () => {
    const text = [
      'minio_cluster_nodes_online_total{server="a:9000"} 3',
      'minio_cluster_nodes_online_total{server="b:9000"} 4',
      'minio_cluster_bucket_total{server="a:9000"} NaN',
      'minio_cluster_buckets_total{server="a:9000"} 7',
    ].join("\n");
    expect(summaryOf(text)).toEqual({ nodesOnline: 4, buckets: 7 });
  });

  it("turns the summary into samples with a used percentage", () => {
    const samples = summaryToSamples({
      capacityTotalBytes: 200,
      capacityFreeBytes: 50,
      capacityUsedBytes: 150,
    });
    expect(samples).toContainEqual({ name: "minio.capacity.used_percent", value: 75 });
    expect(samples).toContainEqual({ name: "minio.capacity.used_bytes", value: 150 });
  });
});

describe("evaluate", () => {
  const healthy: ClusterSummary = { drivesOnline: 4, drivesOffline: 0, nodesOnline: 2, nodesOffline: 0 };
  const ok = { status: 200 };
  it.each([
    [
      "an unreachable server is down",
      { error: "ECONNREFUSED" },
      ok,
      ok,
      healthy,
      "down",
      /not reachable: ECONNREFUSED/,
    ],
    [
      "a failing liveness probe is down",
      { status: 500 },
      ok,
      ok,
      healthy,
      "down",
      /liveness probe answered HTTP 500/,
    ],
    ["a lost write quorum (503) is down", ok, { status: 503 }, ok, healthy, "down", /write quorum lost/],
    [
      "offline drives are degraded",
      ok,
      ok,
      ok,
      { drivesOnline: 2, drivesOffline: 2 },
      "degraded",
      /2 drive\(s\) offline/,
    ],
    [
      "offline nodes are degraded",
      ok,
      ok,
      ok,
      { nodesOnline: 3, nodesOffline: 1 },
      "degraded",
      /1 node\(s\) offline/,
    ],
    [
      "a refused metrics token is degraded",
      ok,
      ok,
      { status: 403 },
      undefined,
      "degraded",
      /check bearer_token/,
    ],
    ["all healthy is ok", ok, ok, ok, healthy, "ok", /healthy, 4 drive\(s\) online, 2 node\(s\) online/],
  ] as const)("%s", (_title, live, cluster, metrics, summary, status, message) => {
    const verdict = evaluate({ live, cluster, metrics, summary });
    expect(verdict.status).toBe(status);
    expect(verdict.message).toMatch(message);
  });
});
