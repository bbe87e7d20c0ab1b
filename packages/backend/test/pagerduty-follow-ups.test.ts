/**
 * A PagerDuty channel mirrors the incident (migration 20261205011300): the DOWN triggers, an
 * acknowledgement here acknowledges, and the recovery resolves the same PagerDuty alert, under
 * the incident's shared key, even when the alert rule sends people no recovery notice.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp, dispatchDue, runSweep } from "../src/index.ts";
import { setup } from "./harness.ts";
import { startSink } from "./sinks.ts";

type H = Awaited<ReturnType<typeof setup>>;
let h: H;
let sink: Awaited<ReturnType<typeof startSink>>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  sink = await startSink();
});
afterAll(() => sink.close());

beforeEach(async () => {
  h = await setup();
  app = createApp({ sql: h.sql, notifierEnv: { timeoutMs: 2_000, pagerdutyBaseUrl: sink.url } });
  sink.received.length = 0;
  await h.sql`insert into private.job_runs (job, last_run_at, resumed_at) values ('sweep', now(), now() - interval '1 day')`;
  const [channel] = await h.sql`
    insert into channels (org_id, name, kind, config) values (${h.orgId}, 'on-call', 'pagerduty', '{}') returning id`;
  await h.sql`insert into channel_secrets (channel_id, org_id, secret)
    values (${channel?.id}, ${h.orgId}, ${h.sql.json({ routing_key: "p".repeat(32) })})`;
  // people get no RESTORED message from this rule; PagerDuty's alert must still be resolved
  await h.sql`insert into alert_rules (org_id, name, channel_ids, notify_restored)
    values (${h.orgId}, 'page', ${[channel?.id]}, false)`;
});
afterEach(() => h.close());

async function silentServer() {
  const serverId = await h.register("web-1");
  await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
  await h.sql`update servers set last_heartbeat_at = now() - interval '200 seconds' where id = ${serverId}`;
  await runSweep({ ctx: app.ctx });
  return serverId;
}

const sent = () => sink.received.map((r) => r.json() as { event_action: string; dedup_key: string });

describe("a PagerDuty channel", () => {
  it("triggers, acknowledges and resolves one alert as the incident is paged, acknowledged and resolved", async () => {
    const serverId = await silentServer();
    await dispatchDue({ ctx: app.ctx });
    await h.sql`update incidents set status = 'acknowledged', acknowledged_at = now() where status = 'open'`;
    await dispatchDue({ ctx: app.ctx });
    await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
    await dispatchDue({ ctx: app.ctx });

    const events = sent();
    expect(events.map((e) => e.event_action)).toEqual(["trigger", "acknowledge", "resolve"]);
    expect(new Set(events.map((e) => e.dedup_key)).size).toBe(1);
    expect(events[0]?.dedup_key).toMatch(new RegExp(`^${serverId}:heartbeat:`));
  });

  it("holds an acknowledgement until the DOWN it follows has gone out", async () => {
    await silentServer();
    await h.sql`update incidents set status = 'acknowledged', acknowledged_at = now() where status = 'open'`;
    await dispatchDue({ ctx: app.ctx });
    expect(sent().map((e) => e.event_action)).toEqual(["trigger"]);
    const [held] = await h.sql`select status from notification_outbox where event = 'acknowledged'`;
    expect(held?.status).toBe("pending");

    await h.sql`update notification_outbox set next_attempt_at = now() where event = 'acknowledged'`;
    await dispatchDue({ ctx: app.ctx });
    expect(sent().map((e) => e.event_action)).toEqual(["trigger", "acknowledge"]);
  });

  it("queues nothing for an incident it was never paged for", async () => {
    const [incident] = await h.sql`
      select private.open_incident(${h.orgId}, null, null, 'manual:x', 'heartbeat', 'critical', 'x', null, now()) as id`;
    await h.sql`update incidents set status = 'acknowledged', acknowledged_at = now() where id = ${incident?.id}`;
    const [row] = await h.sql`select count(*)::int as n from notification_outbox`;
    expect(row?.n).toBe(0);
  });
});
