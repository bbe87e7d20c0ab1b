import { randomUUID } from "node:crypto";
import { CheckExportRow, IncidentExportRow, MetricExportRow, MetricsResponse } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let edge: string;
let quiet: string;
let serverB: string;
const MIN = 60_000;
const DAY = "from=2026-01-10T00:00:00Z&to=2026-01-11T00:00:00Z";
const ids: Record<string, string> = {};

/** An incident written with service access at fixed times. */
async function incident(
  name: string,
  org: string,
  fields: {
    server_id?: string | null;
    kind?: string;
    title: string;
    cause?: string | null;
    started_at: string;
    opened_at?: string;
    resolved_at?: string | null;
    acknowledged_at?: string | null;
    acknowledged_by?: string | null;
    acknowledged_via?: string | null;
  },
) {
  const [row] = await d.sql<{ id: string }[]>`
    insert into incidents (org_id, server_id, subject_key, kind, title, cause, started_at, opened_at,
                           resolved_at, status, acknowledged_at, acknowledged_by, acknowledged_via)
    values (${org}, ${fields.server_id ?? null}, ${`test:${randomUUID()}`}, ${fields.kind ?? "heartbeat"},
            ${fields.title}, ${fields.cause ?? null}, ${fields.started_at}, ${fields.opened_at ?? fields.started_at},
            ${fields.resolved_at ?? null}, ${fields.resolved_at ? "resolved" : fields.acknowledged_at ? "acknowledged" : "open"},
            ${fields.acknowledged_at ?? null}, ${fields.acknowledged_by ?? null}, ${fields.acknowledged_via ?? null})
    returning id`;
  ids[name] = row?.id as string;
}

beforeAll(async () => {
  d = await setupDashboard();
  edge = await d.register("edge-1");
  quiet = await d.register("quiet-1");
  serverB = await d.register("b-1", d.agentKeyB);
  // a server name a spreadsheet would run as a formula, with a comma and quotes too
  await d.sql`update servers set name = ${'-edge, "gw"'} where id = ${edge}`;
  await incident("before", d.orgA, {
    server_id: edge,
    title: "edge-1 stopped sending heartbeats",
    started_at: "2026-01-09T10:00:00Z",
    resolved_at: "2026-01-09T11:00:00Z",
  });
  await incident("acrossMidnight", d.orgA, {
    server_id: edge,
    title: "edge-1 stopped sending heartbeats",
    cause: "agent dead (host answers)",
    started_at: "2026-01-09T23:00:00Z",
    resolved_at: "2026-01-10T00:30:00Z",
  });
  await incident("internet", d.orgA, {
    server_id: edge,
    title: "Internet down",
    cause: '=HYPERLINK("http://evil.example","click")',
    started_at: "2026-01-10T08:00:00Z",
    opened_at: "2026-01-10T08:00:30Z",
    acknowledged_at: "2026-01-10T08:01:07Z",
    acknowledged_by: d.users.member.id,
    resolved_at: "2026-01-10T08:10:05Z",
  });
  await incident("reboot", d.orgA, {
    kind: "probe",
    title: 'reboot: "kernel", again',
    started_at: "2026-01-10T22:00:00Z",
    acknowledged_at: "2026-01-10T22:05:00Z",
    acknowledged_via: "link in sms notification",
    resolved_at: "2026-01-11T01:00:00Z",
  });
  await incident("otherOrg", d.orgB, {
    server_id: serverB,
    title: "B's outage",
    started_at: "2026-01-10T09:00:00Z",
    resolved_at: "2026-01-10T09:30:00Z",
  });
  const now = Date.now();
  await d.pushChecks(edge, [
    { monitor: "http:site", status: "ok", ts: now - 50 * MIN, message: "200 OK" },
    { monitor: "http:site", status: "down", ts: now - 40 * MIN, message: "=cmd|' /C calc'!A0" },
    { monitor: "systemd:nginx", status: "degraded", ts: now - 30 * MIN, message: 'restarting, "soon"' },
  ]);
  await d.pushChecks(quiet, [{ monitor: "ping", status: "ok", ts: now - 10 * MIN }]);
  const samples: { ts: number; name: string; value: number; labels?: Record<string, string> }[] = [];
  for (let t = now - 20 * MIN; t <= now - 5_000; t += 30_000) {
    samples.push({ ts: t, name: "cpu.percent", value: 40 });
    samples.push({ ts: t, name: "temperature.celsius", value: -5.5, labels: { sensor: "outdoor" } });
  }
  await d.pushMetrics(edge, samples);
  await d.refresh();
});
afterAll(() => d.close());

const LINES = (text: string) => text.split("\r\n");

describe("incidents export", () => {
  it("writes the day's outages as CSV, oldest first, quoted and with formulas defused", async () => {
    const res = await d.api("GET", `/orgs/${d.orgA}/exports/incidents?${DAY}`, { as: d.users.viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="incidents-20260110T000000Z-20260111T000000Z.csv"',
    );
    expect(LINES(res.text)).toEqual([
      "started_at,ended_at,duration_seconds,status,severity,kind,server,monitor,title,cause,opened_at,acknowledged_at,acknowledged_by,resolved_by,id",
      `2026-01-09T23:00:00.000Z,2026-01-10T00:30:00.000Z,5400,resolved,critical,heartbeat,"'-edge, ""gw""",,edge-1 stopped sending heartbeats,agent dead (host answers),2026-01-09T23:00:00.000Z,,,,${ids.acrossMidnight}`,
      `2026-01-10T08:00:00.000Z,2026-01-10T08:10:05.000Z,605,resolved,critical,heartbeat,"'-edge, ""gw""",,Internet down,"'=HYPERLINK(""http://evil.example"",""click"")",2026-01-10T08:00:30.000Z,2026-01-10T08:01:07.000Z,member@a.example,,${ids.internet}`,
      `2026-01-10T22:00:00.000Z,2026-01-11T01:00:00.000Z,10800,resolved,critical,probe,,,"reboot: ""kernel"", again",,2026-01-10T22:00:00.000Z,2026-01-10T22:05:00.000Z,via link in sms notification,,${ids.reboot}`,
      "",
    ]);
  });

  it("answers the same rows as JSON, valid against the contract", async () => {
    const res = await d.api("GET", `/orgs/${d.orgA}/exports/incidents?${DAY}&format=json`);
    expect(res.headers.get("content-disposition")).toMatch(/filename="incidents-.*\.json"$/);
    const rows = expectContract(res, 200, z.array(IncidentExportRow));
    expect(rows.map((r) => r.id)).toEqual([ids.acrossMidnight, ids.internet, ids.reboot]);
    expect(rows[1]).toMatchObject({
      server: '-edge, "gw"',
      cause: '=HYPERLINK("http://evil.example","click")',
    });
  });

  it("answers only the header for a range without incidents", async () => {
    const res = await d.api(
      "GET",
      `/orgs/${d.orgA}/exports/incidents?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`,
    );
    expect(res.status).toBe(200);
    expect(LINES(res.text)).toHaveLength(2);
  });

  it("is 404 for an organization the caller is not in", async () => {
    const res = await d.api("GET", `/orgs/${d.orgB}/exports/incidents?${DAY}`);
    expect(res.status).toBe(404);
    expect(res.body.error.field).toBe("org_id");
  });

  it.each([
    ["from=2026-01-10T00:00:00Z", "to"],
    ["to=2026-01-10T00:00:00Z", "from"],
    ["from=yesterday&to=2026-01-10T00:00:00Z", "from"],
    ["from=2026-01-10T00:00:00Z&to=2026-01-10T00:00:00Z", "to"],
    ["from=2026-01-11T00:00:00Z&to=2026-01-10T00:00:00Z", "to"],
    ["from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z", "to"],
    ["from=0001-01-01T00:00:00Z&to=2026-01-03T00:00:00Z", "from"],
    [`${DAY}&format=xlsx`, "format"],
    [`${DAY}&limit=5`, "limit"],
  ])("refuses ?%s with 400 naming %s", async (query, field) => {
    const res = await d.api("GET", `/orgs/${d.orgA}/exports/incidents?${query}`);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field });
    expect(res.body.error.message).toContain(field);
  });

  it("refuses more than 10,000 incidents in one export with 400 naming from", async () => {
    await d.sql`
      insert into incidents (org_id, subject_key, kind, title, started_at, opened_at, resolved_at, status)
      select ${d.orgA}, 'bulk:' || g, 'probe', 'bulk', timestamptz '2024-03-01' + g * interval '1 second',
             timestamptz '2024-03-01' + g * interval '1 second', timestamptz '2024-03-01' + g * interval '1 second' + interval '1 second', 'resolved'
      from generate_series(1, 10001) g`;
    const res = await d.api(
      "GET",
      `/orgs/${d.orgA}/exports/incidents?from=2024-03-01T00:00:00Z&to=2024-03-02T00:00:00Z`,
    );
    expect(res.status, res.text.slice(0, 200)).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field: "from" });
    expect(res.body.error.message).toContain("10000");
    const fits = await d.api(
      "GET",
      `/orgs/${d.orgA}/exports/incidents?from=2024-03-01T00:00:00Z&to=2024-03-01T01:00:00Z`,
    );
    expect(fits.status).toBe(200);
    // started 00:00:01 … 00:59:59: 3,599 incidents, the header and the empty end after the last CRLF
    expect(LINES(fits.text)).toHaveLength(3599 + 2);
  });
});

describe("check history export", () => {
  const range = () => {
    const now = Date.now();
    return `from=${new Date(now - 2 * 60 * MIN).toISOString()}&to=${new Date(now).toISOString()}`;
  };

  it("writes the server's check results oldest first, with messages quoted and defused", async () => {
    const res = await d.api("GET", `/orgs/${d.orgA}/servers/${edge}/exports/checks?${range()}`, {
      as: d.users.viewer,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(
      new RegExp(`^attachment; filename="checks-${edge}-\\d{8}T\\d{6}Z-\\d{8}T\\d{6}Z\\.csv"$`),
    );
    const lines = LINES(res.text);
    expect(lines[0]).toBe("at,monitor,status,latency_ms,message,monitor_id");
    expect(lines.slice(1, -1).map((l) => l.replace(/^[^,]+,/, "").replace(/,[0-9a-f-]{36}$/, ""))).toEqual([
      "http:site,ok,,200 OK",
      "http:site,down,,\"'=cmd|' /C calc'!A0\"",
      'systemd:nginx,degraded,,"restarting, ""soon"""',
    ]);
    expect(lines.at(-1)).toBe("");
  });

  it("answers JSON valid against the contract, and nothing of other servers", async () => {
    const rows = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${edge}/exports/checks?${range()}&format=json`),
      200,
      z.array(CheckExportRow),
    );
    expect(rows.map((r) => r.monitor)).toEqual(["http:site", "http:site", "systemd:nginx"]);
    expect(rows.map((r) => r.at)).toEqual([...rows.map((r) => r.at)].sort());
  });

  it("is 404 for another organization's server", async () => {
    const res = await d.api("GET", `/orgs/${d.orgA}/servers/${serverB}/exports/checks?${range()}`);
    expect(res.status).toBe(404);
    expect(res.body.error.field).toBe("server_id");
  });

  it("refuses a range over 31 days with 400 naming to", async () => {
    const res = await d.api(
      "GET",
      `/orgs/${d.orgA}/servers/${edge}/exports/checks?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:01Z`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("to");
    expect(res.body.error.message).toContain("31 days");
  });

  it("refuses more than 100,000 results with 400 naming from", async () => {
    const [monitor] = await d.sql`select id from monitors where server_id = ${quiet}`;
    await d.sql`
      insert into check_results (ts, org_id, server_id, monitor_id, status)
      select now() - interval '1 hour' + g * interval '10 ms', ${d.orgA}, ${quiet}, ${monitor?.id}, 'ok'
      from generate_series(1, 100001) g`;
    const res = await d.api("GET", `/orgs/${d.orgA}/servers/${quiet}/exports/checks?${range()}`);
    expect(res.status, res.text.slice(0, 200)).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field: "from" });
  });
});

describe("chart export", () => {
  it("answers the chart's own points as JSON, one row per bucket and series", async () => {
    const query = "names=cpu.percent,temperature.celsius&range=1h";
    const chart = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${edge}/metrics?${query}`),
      200,
      MetricsResponse,
    );
    const res = await d.api("GET", `/orgs/${d.orgA}/servers/${edge}/exports/metrics?${query}&format=json`);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="metrics-${edge}-cpu.percent_temperature.celsius-1h.json"`,
    );
    const rows = expectContract(res, 200, z.array(MetricExportRow));
    expect(rows).toEqual(
      chart.series.flatMap((s) =>
        s.points.map(([t, avg, min, max]) => ({
          at: new Date(t).toISOString(),
          name: s.name,
          labels: s.labels,
          avg,
          min,
          max,
        })),
      ),
    );
    expect(rows.length).toBeGreaterThanOrEqual(2 * 19);
  });

  it("writes negative values as plain numbers and labels as key=value in CSV", async () => {
    const res = await d.api(
      "GET",
      `/orgs/${d.orgA}/servers/${edge}/exports/metrics?names=temperature.celsius&range=1h`,
    );
    expect(res.status, res.text).toBe(200);
    const lines = LINES(res.text);
    expect(lines[0]).toBe("at,name,labels,avg,min,max");
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z,temperature\.celsius,sensor=outdoor,-5\.5,-5\.5,-5\.5$/,
    );
  });

  it.each([
    ["names=&range=1h", "names"],
    ["names=cpu.percent&range=1y", "range"],
    ["names=cpu.percent&format=pdf", "format"],
    [`names=${Array.from({ length: 21 }, (_, i) => `m${i}`).join(",")}`, "names"],
  ])("refuses ?%s with 400 naming %s", async (query, field) => {
    const res = await d.api("GET", `/orgs/${d.orgA}/servers/${edge}/exports/metrics?${query}`);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  it("is 404 for another organization's server", async () => {
    const res = await d.api("GET", `/orgs/${d.orgA}/servers/${serverB}/exports/metrics?names=cpu.percent`);
    expect(res.status).toBe(404);
  });
});
