import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KV } from "./kv.ts";
import { REJECTED_KEEP, RejectedBatches } from "./rejected.ts";
import { openStore, type Store } from "./store.ts";

const dirs: string[] = [];
const stores: Store[] = [];
function tempStore(caps = { maxAgeMs: 86_400_000, maxBytes: 200_000_000 }): { path: string; store: Store } {
  const dir = mkdtempSync(join(tmpdir(), "custos-store-"));
  dirs.push(dir);
  const path = join(dir, "state.db");
  const store = openStore(path, { caps });
  stores.push(store);
  return { path, store };
}
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sample = (i: number) => JSON.stringify({ ts: 1_700_000_000_000 + i, name: "m", value: i });
const values = (payloads: string[]) => payloads.map((p) => (JSON.parse(p) as { value: number }).value);

describe("outbox", () => {
  it("upgrades a state database of the previous schema: buffered rows and batches kept, events accepted", () => {
    const { path, store } = tempStore();
    // the outbox as schema 4 left it: the kind check without 'events'
    store.db.exec(`
      drop table outbox;
      create table outbox (
        seq integer primary key autoincrement,
        kind text not null check (kind in ('metrics', 'checks', 'alerts')),
        payload text not null, enqueued_at integer not null, bytes integer not null, batch_id text);
      pragma user_version = 4;`);
    store.outbox.enqueue("metrics", [sample(1), sample(2)], 1);
    const formed = store.outbox.nextBatch("metrics", 2);
    expect(() => store.outbox.enqueue("events", ['{"id":"x"}'], 3)).toThrow(/CHECK/);
    store.close();
    stores.splice(stores.indexOf(store), 1);

    const upgraded = openStore(path);
    stores.push(upgraded);
    // the batch formed before keeps its id and rows: a resend is still a replay
    expect(upgraded.outbox.nextBatch("metrics", 4)).toEqual(formed);
    upgraded.outbox.enqueue("events", ['{"id":"x"}'], 5);
    expect(upgraded.outbox.depth().items).toEqual({ metrics: 2, checks: 0, alerts: 0, events: 1 });
  });

  it("never drops events by the caps, only once older than the backend's 7-day window", () => {
    const { store } = tempStore({ maxAgeMs: 1_000, maxBytes: 10 });
    store.outbox.enqueue("events", ['{"id":"a"}'], 0);
    store.outbox.enqueue("metrics", [sample(1)], 0);
    store.outbox.enforceCaps(60_000);
    expect(store.outbox.depth().items).toMatchObject({ events: 1, metrics: 0 });
    store.outbox.enforceCaps(7 * 86_400_000);
    expect(store.outbox.depth().items.events).toBe(0);
  });

  it("uses WAL with synchronous=NORMAL", () => {
    const { store } = tempStore();
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("synchronous", { simple: true })).toBe(1);
  });

  it("forms batches oldest first, up to 5,000 samples each", () => {
    const { store } = tempStore();
    store.transaction(() =>
      store.outbox.enqueue(
        "metrics",
        Array.from({ length: 12_000 }, (_, i) => sample(i)),
        1,
      ),
    );
    const first = store.outbox.nextBatch("metrics", 2);
    expect(first?.payloads.length).toBe(5_000);
    expect(values(first?.payloads ?? []).slice(0, 3)).toEqual([0, 1, 2]);
    store.outbox.acknowledge(first?.batchId ?? "");
    const second = store.outbox.nextBatch("metrics", 3);
    expect(values(second?.payloads ?? [])[0]).toBe(5_000);
    store.outbox.acknowledge(second?.batchId ?? "");
    expect(store.outbox.nextBatch("metrics", 4)?.payloads.length).toBe(2_000);
  });

  it("limits check batches to 1,000 results", () => {
    const { store } = tempStore();
    store.outbox.enqueue(
      "checks",
      Array.from({ length: 1_500 }, () => '{"monitor":"a","status":"ok","ts":1}'),
      1,
    );
    expect(store.outbox.nextBatch("checks", 1)?.payloads.length).toBe(1_000);
  });

  it("re-sends the same batch id with the same rows until it is acknowledged, even after a reopen", () => {
    const { path, store } = tempStore();
    store.outbox.enqueue("metrics", [sample(1), sample(2)], 1);
    const batch = store.outbox.nextBatch("metrics", 2);
    store.outbox.enqueue("metrics", [sample(3)], 3);
    expect(store.outbox.nextBatch("metrics", 4)).toEqual(batch);
    store.close();

    const reopened = openStore(path);
    stores.push(reopened);
    const again = reopened.outbox.nextBatch("metrics", 5);
    expect(again?.batchId).toBe(batch?.batchId);
    expect(values(again?.payloads ?? [])).toEqual([1, 2]);
    expect(reopened.outbox.acknowledge(again?.batchId ?? "")).toBe(2);
    expect(values(reopened.outbox.nextBatch("metrics", 6)?.payloads ?? [])).toEqual([3]);
  });

  it("deletes rows only when their batch is acknowledged", () => {
    const { store } = tempStore();
    store.outbox.enqueue("metrics", [sample(1)], 1);
    const batch = store.outbox.nextBatch("metrics", 1);
    expect(store.outbox.depth().items.metrics).toBe(1);
    store.outbox.acknowledge(batch?.batchId ?? "");
    expect(store.outbox.depth().items.metrics).toBe(0);
    expect(store.outbox.nextBatch("metrics", 2)).toBeUndefined();
  });

  it("splits a batch in two new batches that keep the order", () => {
    const { store } = tempStore();
    store.outbox.enqueue("metrics", [1, 2, 3, 4, 5].map(sample), 1);
    const batch = store.outbox.nextBatch("metrics", 1);
    expect(store.outbox.split(batch?.batchId ?? "", 2)).toBe(true);
    const first = store.outbox.nextBatch("metrics", 3);
    expect(first?.batchId).not.toBe(batch?.batchId);
    expect(values(first?.payloads ?? [])).toEqual([1, 2, 3]);
    store.outbox.acknowledge(first?.batchId ?? "");
    expect(values(store.outbox.nextBatch("metrics", 4)?.payloads ?? [])).toEqual([4, 5]);
  });

  it("cannot split a single item", () => {
    const { store } = tempStore();
    store.outbox.enqueue("metrics", [sample(1)], 1);
    const batch = store.outbox.nextBatch("metrics", 1);
    expect(store.outbox.split(batch?.batchId ?? "", 2)).toBe(false);
  });

  it("drops the oldest items first when the byte cap is reached, and counts them", () => {
    const one = Buffer.byteLength(sample(0));
    const { store } = tempStore({ maxAgeMs: 86_400_000, maxBytes: one * 10 });
    store.outbox.enqueue(
      "metrics",
      Array.from({ length: 10 }, (_, i) => sample(i)),
      1,
    );
    expect(store.outbox.enforceCaps(2)).toBe(0);
    store.outbox.enqueue("metrics", [sample(10), sample(11), sample(12)], 3);
    const dropped = store.outbox.enforceCaps(4);
    expect(dropped).toBeGreaterThanOrEqual(3);
    expect(store.outbox.bufferedBytes()).toBeLessThanOrEqual(one * 10);
    expect(store.kv.getNumber(KV.droppedSamples)).toBe(dropped);
    const kept = values(store.outbox.nextBatch("metrics", 5)?.payloads ?? []);
    expect(kept[kept.length - 1]).toBe(12);
    expect(kept[0]).toBe(dropped);
  });

  it("drops items older than the age cap, samples and checks alike, but never alert reports", () => {
    const { store } = tempStore({ maxAgeMs: 1_000, maxBytes: 1e9 });
    store.outbox.enqueue("metrics", [sample(1)], 1_000);
    store.outbox.enqueue("checks", ['{"monitor":"a","status":"ok","ts":1}'], 1_500);
    store.outbox.enqueue("alerts", ['{"incident_key":"x"}'], 1_500);
    store.outbox.enqueue("metrics", [sample(2)], 2_600);
    expect(store.outbox.enforceCaps(3_000)).toBe(2);
    expect(store.outbox.depth().items).toEqual({ metrics: 1, checks: 0, alerts: 1, events: 0 });
    expect(store.kv.getNumber(KV.droppedSamples)).toBe(2);
  });

  it("forgets a formed batch whose rows were all dropped by the caps", () => {
    const { store } = tempStore({ maxAgeMs: 1_000, maxBytes: 1e9 });
    store.outbox.enqueue("metrics", [sample(1)], 1_000);
    const old = store.outbox.nextBatch("metrics", 1_000);
    store.outbox.enqueue("metrics", [sample(2)], 5_000);
    store.outbox.enforceCaps(5_500);
    const next = store.outbox.nextBatch("metrics", 5_500);
    expect(next?.batchId).not.toBe(old?.batchId);
    expect(values(next?.payloads ?? [])).toEqual([2]);
  });

  it("keeps the byte total across a reopen", () => {
    const { path, store } = tempStore();
    store.outbox.enqueue("metrics", [sample(1), sample(2)], 1);
    const bytes = store.outbox.bufferedBytes();
    store.close();
    const reopened = openStore(path);
    stores.push(reopened);
    expect(reopened.outbox.bufferedBytes()).toBe(bytes);
    expect(reopened.outbox.depth()).toMatchObject({ bytes, oldestEnqueuedAt: 1 });
  });

  it("can be read by a second, read-only connection while the agent writes", () => {
    const { path, store } = tempStore();
    store.outbox.enqueue("metrics", [sample(1)], 1);
    const reader = openStore(path, { readonly: true });
    stores.push(reader);
    expect(reader.outbox.depth().items.metrics).toBe(1);
    store.outbox.enqueue("metrics", [sample(2)], 2);
    expect(reader.outbox.depth().items.metrics).toBe(2);
  });
});

describe("batches the backend refused for good", () => {
  const refusal = { status: 400, code: "VALIDATION", message: "expected number", field: "samples.0.value" };

  it("are set aside with the backend's answer and their items, counted per kind, and the next batch of the kind goes next", () => {
    const { store } = tempStore();
    store.outbox.enqueue("metrics", [1, 2, 3].map(sample), 1);
    const refused = store.outbox.nextBatch("metrics", 1);
    store.outbox.enqueue("metrics", [4, 5].map(sample), 2);
    expect(store.outbox.setAside(refused?.batchId ?? "", refusal, 10)).toBe(3);

    expect(values(store.outbox.nextBatch("metrics", 11)?.payloads ?? [])).toEqual([4, 5]);
    const summary = store.rejected.summary();
    expect(summary.metrics).toMatchObject({ batches: 1, items: 3, kept: 1 });
    expect(summary.metrics.last).toEqual({
      batchId: refused?.batchId,
      kind: "metrics",
      items: 3,
      ...refusal,
      rejectedAt: 10,
    });
    expect(summary.checks).toMatchObject({ batches: 0, items: 0, kept: 0, last: undefined });
    expect(
      values(JSON.parse(store.rejected.items(refused?.batchId ?? "") ?? "[]").map(JSON.stringify)),
    ).toEqual([1, 2, 3]);
    // counted for status and for the next heartbeat
    expect(store.kv.getNumber(KV.rejectedItems)).toBe(3);
    expect(store.kv.getNumber(KV.rejectedUnreported)).toBe(3);
    // the byte cap no longer counts them
    expect(store.outbox.bufferedBytes()).toBe(Buffer.byteLength(sample(4)) + Buffer.byteLength(sample(5)));
  });

  it("are kept bounded: the newest 1,000 of the last 7 days, while the counts keep the total", () => {
    const { store } = tempStore();
    const day = 86_400_000;
    for (let i = 0; i < REJECTED_KEEP.batches + 5; i++) {
      store.outbox.enqueue("checks", [sample(i)], i);
      const batch = store.outbox.nextBatch("checks", i);
      store.outbox.setAside(batch?.batchId ?? "", refusal, i < 3 ? 1 : 8 * day);
    }
    const summary = store.rejected.summary();
    expect(summary.checks).toMatchObject({ batches: REJECTED_KEEP.batches + 5, kept: REJECTED_KEEP.batches });
    expect(store.rejected.prune(16 * day)).toBe(REJECTED_KEEP.batches);
    expect(store.rejected.summary().checks).toMatchObject({ batches: REJECTED_KEEP.batches + 5, kept: 0 });
  });

  it("are kept within 16 MB of items, but the newest one always, whatever its size", () => {
    const { store } = tempStore();
    const big = JSON.stringify({ ts: 1, name: "m", value: 1, pad: "x".repeat(3_000_000) });
    for (let i = 0; i < 7; i++) {
      store.outbox.enqueue("metrics", [big], i);
      store.outbox.setAside(store.outbox.nextBatch("metrics", i)?.batchId ?? "", refusal, i);
    }
    expect(store.rejected.summary().metrics).toMatchObject({ batches: 7, kept: 5 });
  });

  it("survive an upgrade: a state database from before the rejected table gets it on the next start", () => {
    const { path, store } = tempStore();
    store.db.exec("drop table rejected");
    // and what later versions added, so the file is what version 1 wrote
    for (const column of [
      "consecutive_successes",
      "succeeding_since",
      "incident_paged",
      "recent_changes",
      "flapping_notified_at",
    ])
      store.db.exec(`alter table monitor_state drop column ${column}`);
    store.db.pragma("user_version = 1");
    store.close();
    const upgraded = openStore(path);
    stores.push(upgraded);
    expect(upgraded.rejected.summary().alerts).toMatchObject({ batches: 0, kept: 0, last: undefined });
    upgraded.outbox.enqueue("alerts", ["{}"], 1);
    upgraded.outbox.setAside(upgraded.outbox.nextBatch("alerts", 1)?.batchId ?? "", refusal, 2);
    expect(upgraded.rejected.summary().alerts).toMatchObject({ batches: 1, kept: 1 });
  });

  it("read as none where the table does not exist yet (status on a file the running older agent wrote)", () => {
    const { store } = tempStore();
    store.db.exec("drop table rejected");
    const rejected = new RejectedBatches(store.db, store.kv);
    expect(rejected.summary().checks).toEqual({ batches: 0, items: 0, kept: 0, last: undefined });
    expect(rejected.recent(10)).toEqual([]);
    expect(rejected.prune(Date.now())).toBe(0);
  });
});
