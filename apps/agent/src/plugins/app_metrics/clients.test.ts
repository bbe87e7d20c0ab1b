/**
 * What real client libraries send reaches the right numbers: hot-shots (a StatsD/DogStatsD client
 * many Node services use) against the StatsD listener, and prom-client's exposition (the Node
 * Prometheus client) — the other side of the prometheus plugin — is covered in its own tests.
 */
import { StatsD } from "hot-shots";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, start } from "./test-harness.ts";

afterEach(closeAll);

function client(port: number) {
  const errors: Error[] = [];
  const statsd = new StatsD({
    host: "127.0.0.1",
    port,
    prefix: "shop.",
    globalTags: { env: "test" },
    includeDataDogTags: false,
    errorHandler: (error) => errors.push(error),
  });
  return { statsd, errors };
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const key = (labels: Record<string, string> | undefined) =>
    JSON.stringify(Object.entries(labels ?? {}).sort());
  return key(a) === key(b);
}

/** hot-shots sends each call as its own datagram; its callback fires once the socket sent it. */
function sent(call: (cb: (error?: Error) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => call((error) => (error ? reject(error) : resolve())));
}

describe("app_metrics with the hot-shots StatsD client", () => {
  it("aggregates increments, gauges, timings, histograms and sets with their tags", async () => {
    const h = await start();
    const { statsd, errors } = client(h.statsdPort);
    try {
      for (let i = 0; i < 5; i++) await sent((cb) => statsd.increment("orders", 1, { region: "eu" }, cb));
      await sent((cb) => statsd.increment("orders", 3, { region: "us" }, cb));
      await sent((cb) => statsd.decrement("stock", 2, cb));
      await sent((cb) => statsd.gauge("queue_depth", 42, cb));
      for (const ms of [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        await sent((cb) => statsd.timing("db.query", ms, cb));
      await sent((cb) => statsd.histogram("payload_bytes", 512, cb));
      for (const user of ["ann", "bob", "ann"]) await sent((cb) => statsd.set("visitors", user, cb));
    } finally {
      await new Promise<void>((resolve) => statsd.close(() => resolve()));
    }
    expect(errors).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const collected = await h.instance.collect(new AbortController().signal);
    const received = collected.samples.find(
      (s) => s.name === "app_metrics_received_total" && s.labels?.source === "statsd",
    );
    expect(received?.value).toBe(22);
    const value = (name: string, labels?: Record<string, string>) =>
      collected.samples.find((s) => s.name === name && sameLabels(s.labels, labels))?.value;
    expect(value("shop.orders", { region: "eu", env: "test" })).toBe(5);
    expect(value("shop.orders", { region: "us", env: "test" })).toBe(3);
    expect(value("shop.stock", { env: "test" })).toBe(-2);
    expect(value("shop.queue_depth", { env: "test" })).toBe(42);
    expect(value("shop.db.query.count", { env: "test" })).toBe(10);
    expect(value("shop.db.query.mean", { env: "test" })).toBe(55);
    expect(value("shop.db.query.p95", { env: "test" })).toBe(100);
    expect(value("shop.payload_bytes.count", { env: "test" })).toBe(1);
    expect(value("shop.visitors", { env: "test" })).toBe(2);
    expect(collected.samples.find((s) => s.name === "app_metrics_statsd_invalid_lines_total")?.value).toBe(0);
  });
});
