import { LIMITS } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setup } from "./harness.ts";

/**
 * What the agent could not deliver, reported with each heartbeat (`dropped_samples` by its buffer
 * caps, `rejected_items` refused by the backend), is added to the server's totals.
 */
let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup();
});
afterAll(() => h.close());

interface Totals {
  dropped: string;
  rejected: string;
  reported_at: Date | null;
}

async function totals(serverId: string): Promise<Totals> {
  const [row] = await h.sql<Totals[]>`
    select dropped_samples_total::text as dropped, rejected_items_total::text as rejected,
           data_loss_reported_at as reported_at
    from servers where id = ${serverId}`;
  if (!row) throw new Error(`no server ${serverId}`);
  return row;
}

function beat(serverId: string, extra: Record<string, unknown> = {}) {
  return h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString(), ...extra });
}

describe("heartbeat data-loss counters", () => {
  it("start at zero, never reported", async () => {
    const serverId = await h.register("fresh");
    expect(await totals(serverId)).toEqual({ dropped: "0", rejected: "0", reported_at: null });
  });

  it("add up what each heartbeat reports and stamp when loss was last reported", async () => {
    const serverId = await h.register("lossy");
    expect((await beat(serverId, { dropped_samples: 10, rejected_items: 4 })).status).toBe(200);
    const first = await totals(serverId);
    expect(first).toMatchObject({ dropped: "10", rejected: "4" });
    expect(Math.abs((first.reported_at?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000);
    expect((await beat(serverId, { dropped_samples: 5, rejected_items: 1 })).status).toBe(200);
    const second = await totals(serverId);
    expect(second).toMatchObject({ dropped: "15", rejected: "5" });
    expect(second.reported_at?.getTime()).toBeGreaterThanOrEqual(first.reported_at?.getTime() ?? 0);
  });

  it("change nothing on a heartbeat that reports no loss, with the fields or without them", async () => {
    const serverId = await h.register("steady");
    await beat(serverId, { dropped_samples: 3 });
    const before = await totals(serverId);
    await h.sql`update servers set data_loss_reported_at = now() - interval '1 hour' where id = ${serverId}`;
    const stamped = (await totals(serverId)).reported_at;
    expect((await beat(serverId)).status).toBe(200);
    expect((await beat(serverId, { dropped_samples: 0, rejected_items: 0 })).status).toBe(200);
    expect(await totals(serverId)).toEqual({ ...before, reported_at: stamped });
  });

  it("accept an older agent's heartbeat that sums both losses into dropped_samples", async () => {
    const serverId = await h.register("old-agent");
    const res = await beat(serverId, { agent_version: "0.2.0", uptime_seconds: 12, dropped_samples: 7 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, approval: "approved" });
    expect(await totals(serverId)).toMatchObject({ dropped: "7", rejected: "0" });
  });

  it("accept the largest count the protocol allows", async () => {
    const serverId = await h.register("huge-but-valid");
    const max = LIMITS.maxLostItemsPerHeartbeat;
    expect((await beat(serverId, { dropped_samples: max, rejected_items: max })).status).toBe(200);
    expect((await beat(serverId, { rejected_items: max })).status).toBe(200);
    expect(await totals(serverId)).toMatchObject({ dropped: String(max), rejected: String(2 * max) });
  });

  it("stop at 2^53 - 1, so the dashboard reads them exactly", async () => {
    const serverId = await h.register("saturated");
    await h.sql`update servers set rejected_items_total = ${Number.MAX_SAFE_INTEGER - 1} where id = ${serverId}`;
    expect((await beat(serverId, { rejected_items: 5 })).status).toBe(200);
    expect((await totals(serverId)).rejected).toBe(String(Number.MAX_SAFE_INTEGER));
  });

  it.each([
    ["dropped_samples", -1],
    ["dropped_samples", 1.5],
    ["dropped_samples", LIMITS.maxLostItemsPerHeartbeat + 1],
    ["dropped_samples", "3"],
    ["rejected_items", -1],
    ["rejected_items", 2.25],
    ["rejected_items", 1e300],
    ["rejected_items", null],
  ])("refuse %s = %j with 400 naming the field, and count nothing", async (field, value) => {
    const serverId = await h.register(`bad-${field}`);
    const res = await beat(serverId, { [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field });
    expect(await totals(serverId)).toEqual({ dropped: "0", rejected: "0", reported_at: null });
  });
});
