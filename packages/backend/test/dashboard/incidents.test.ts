import { IncidentDetail, IncidentItem, IncidentList } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAckLink } from "../../src/incidents/create-ack-link.ts";
import { dispatchDue, runSweep } from "../../src/index.ts";
import { startSink } from "../sinks.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let sink: Awaited<ReturnType<typeof startSink>>;
let broken: Awaited<ReturnType<typeof startSink>>;
let server: string;
let incidentId: string;

async function webhookChannel(name: string, url: string) {
  const res = await d.api("POST", `/orgs/${d.orgA}/channels`, {
    as: d.users.admin,
    body: { name, kind: "webhook", config: { url }, secret: { signing_secret: "0123456789abcdef0123" } },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  sink = await startSink();
  broken = await startSink();
  broken.answer(400);
  d = await setupDashboard({ retryBaseMs: 10, retryCapMs: 20, maxDeliveryAttempts: 2 });
  await d.sql`insert into private.job_runs (job, last_run_at, resumed_at) values ('sweep', now(), now() - interval '1 day')`;
  const ops = await webhookChannel("ops hook", sink.url);
  const dead = await webhookChannel("broken hook", broken.url);
  const rule = await d.api("POST", `/orgs/${d.orgA}/alert-rules`, {
    as: d.users.admin,
    body: { name: "everything", channel_ids: [ops, dead] },
  });
  expect(rule.status).toBe(201);
  server = await d.register("web-1");
  await d.sql`update servers set last_heartbeat_at = now() - interval '10 minutes' where id = ${server}`;
  await runSweep({ ctx: d.app.ctx });
  await dispatchDue({ ctx: d.app.ctx });
  const [row] = await d.sql`select id from incidents where server_id = ${server}`;
  incidentId = row?.id as string;
});
afterAll(async () => {
  await d.close();
  await sink.close();
  await broken.close();
});

describe("incidents", () => {
  it("lists the open incident with its server, and pages by `before`", async () => {
    const list = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/incidents?status=open`),
      200,
      IncidentList,
    );
    expect(list.incidents).toHaveLength(1);
    expect(list.incidents[0]).toMatchObject({
      id: incidentId,
      status: "open",
      kind: "heartbeat",
      server: { id: server, name: "web-1" },
      title: "web-1 stopped sending heartbeats",
    });
    expect(list.incidents[0]?.duration_seconds).toBeGreaterThanOrEqual(599);
    const page = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/incidents?status=all&limit=1`),
      200,
      IncidentList,
    );
    expect(page.next_before).toBe(list.incidents[0]?.opened_at);
    const next = expectContract(
      await d.api(
        "GET",
        `/orgs/${d.orgA}/incidents?limit=1&before=${encodeURIComponent(page.next_before ?? "")}`,
      ),
      200,
      IncidentList,
    );
    expect(next.incidents).toEqual([]);
  });

  it("does not let a viewer acknowledge", async () => {
    const res = await d.api("POST", `/orgs/${d.orgA}/incidents/${incidentId}/acknowledge`, {
      as: d.users.viewer,
    });
    expect(res.status).toBe(403);
  });

  it("shows the timeline: opened, each notification with its outcome, acknowledged by whom", async () => {
    const ack = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/incidents/${incidentId}/acknowledge`, { as: d.users.member }),
      200,
      IncidentItem,
    );
    expect(ack).toMatchObject({
      status: "acknowledged",
      acknowledged_by: { id: d.users.member.id, email: "member@a.example" },
    });
    const again = await d.api("POST", `/orgs/${d.orgA}/incidents/${incidentId}/acknowledge`, {
      as: d.users.member,
    });
    expect(again.status).toBe(409);

    const detail = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/incidents/${incidentId}`, { as: d.users.viewer }),
      200,
      IncidentDetail,
    );
    expect(detail.timeline.map((e) => e.type)).toEqual([
      "opened",
      "notification",
      "notification",
      "acknowledged",
    ]);
    const notes = detail.timeline.filter((e) => e.type === "notification");
    const delivered = notes.find((n) => n.channel?.name === "ops hook");
    const dead = notes.find((n) => n.channel?.name === "broken hook");
    expect(delivered).toMatchObject({
      event: "down",
      status: "delivered",
      channel: { kind: "webhook" },
      error: null,
    });
    expect(delivered?.delivered_at).not.toBeNull();
    expect(dead).toMatchObject({ event: "down", status: "dead", attempts: 1 });
    expect(dead?.error).toMatch(/400/);
    expect(detail.timeline.at(-1)).toMatchObject({
      type: "acknowledged",
      by: { id: d.users.member.id, email: "member@a.example" },
    });
    expect(sink.received.map((r) => r.json().event)).toEqual(["down"]);
  });

  it("resolves by hand: resolved by whom, with the duration, and a restored notice queued", async () => {
    const resolved = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/incidents/${incidentId}/resolve`, { as: d.users.member }),
      200,
      IncidentItem,
    );
    expect(resolved).toMatchObject({ status: "resolved", resolved_by: { id: d.users.member.id } });
    expect((await d.api("POST", `/orgs/${d.orgA}/incidents/${incidentId}/resolve`)).status).toBe(409);
    await dispatchDue({ ctx: d.app.ctx });
    const detail = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/incidents/${incidentId}`),
      200,
      IncidentDetail,
    );
    const last = detail.timeline.at(-1);
    expect(last).toMatchObject({ type: "resolved", by: { email: "member@a.example" } });
    expect(last?.type === "resolved" && last.duration_seconds).toBeGreaterThanOrEqual(599);
    const restored = detail.timeline.filter((e) => e.type === "notification" && e.event === "restored");
    expect(restored.map((e) => e.type === "notification" && [e.channel?.name, e.status])).toEqual(
      expect.arrayContaining([
        ["ops hook", "delivered"],
        ["broken hook", "suppressed"],
      ]),
    );
    const reason = restored.find((e) => e.type === "notification" && e.status === "suppressed");
    expect(reason?.type === "notification" && reason.reason).toMatch(/no down notification was sent/);
  });

  it("gives 404 for another organization's incident, even to its own member under the wrong org", async () => {
    expect(
      (await d.api("GET", `/orgs/${d.orgA}/incidents/${incidentId}`, { as: d.users.ownerB })).status,
    ).toBe(404);
    expect(
      (await d.api("GET", `/orgs/${d.orgB}/incidents/${incidentId}`, { as: d.users.ownerB })).status,
    ).toBe(404);
  });
});

describe("incidents acknowledged by a notification's link", () => {
  it("show no user but the channel whose link was used, in the list and the timeline", async () => {
    const other = await d.register("web-2");
    await d.sql`update servers set last_heartbeat_at = now() - interval '10 minutes' where id = ${other}`;
    await runSweep({ ctx: d.app.ctx });
    const [page] = await d.sql<{ id: string; incident_id: string }[]>`
      select o.id, o.incident_id from notification_outbox o join incidents i on i.id = o.incident_id
      where i.server_id = ${other} limit 1`;
    const token = await createAckLink({
      ctx: d.app.ctx,
      input: { incident_id: page?.incident_id as string, outbox_id: page?.id as string, channel_kind: "sms" },
    });
    expect((await d.app.request(`/api/ack/${token}`, { method: "POST" })).status).toBe(200);

    const detail = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/incidents/${page?.incident_id}`, { as: d.users.viewer }),
      200,
      IncidentDetail,
    );
    expect(detail.incident).toMatchObject({
      status: "acknowledged",
      acknowledged_by: null,
      acknowledged_via: "link in sms notification",
    });
    expect(detail.timeline.at(-1)).toMatchObject({
      type: "acknowledged",
      by: null,
      via: "link in sms notification",
    });
  });
});
