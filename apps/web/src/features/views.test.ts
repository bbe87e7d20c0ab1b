import { describe, expect, it } from "vitest";
import type { MetricsResponse, MonitorDetail, PublicStatusPage } from "@/lib/contract.ts";
import { describeEntry } from "./incidents/detail.tsx";
import { buildChart } from "./servers/charts.tsx";
import { barsToBlocks, sharedMaintenance, worstBars } from "./servers/detail.tsx";
import { SECTIONS } from "./servers/sections.ts";
import { dayBlocks } from "./status/public-status.tsx";

describe("incident timeline", () => {
  it("tells who was notified where and what happened", () => {
    expect(
      describeEntry({
        type: "notification",
        at: "2026-11-22T10:00:00Z",
        channel: { id: "00000000-0000-0000-0000-000000000001", name: "On-call", kind: "email" },
        event: "down",
        status: "suppressed",
        reason: "the agent already paged",
        error: null,
        attempts: 1,
        delivered_at: null,
      }),
    ).toEqual({
      title: "Notified On-call (email): down alert",
      detail: "not sent: the agent already paged",
      tone: "gray",
    });
    expect(
      describeEntry({
        type: "notification",
        at: "2026-11-22T10:02:00Z",
        channel: { id: "00000000-0000-0000-0000-000000000002", name: "Pager", kind: "pagerduty" },
        event: "acknowledged",
        status: "delivered",
        reason: null,
        error: null,
        attempts: 1,
        delivered_at: "2026-11-22T10:02:01Z",
      }).title,
    ).toBe("Notified Pager (pagerduty): acknowledgement");
    expect(
      describeEntry({
        type: "acknowledged",
        at: "2026-11-22T10:01:00Z",
        by: { id: "u", email: "ann@example.com" },
        via: null,
      }).title,
    ).toBe("Acknowledged by ann@example.com");
    expect(
      describeEntry({
        type: "acknowledged",
        at: "2026-11-22T10:01:00Z",
        by: null,
        via: "link in sms notification",
      }).title,
    ).toBe("Acknowledged via link in sms notification");
    expect(
      describeEntry({ type: "resolved", at: "2026-11-22T10:30:00Z", by: null, duration_seconds: 1800 }),
    ).toMatchObject({ title: "Resolved automatically (recovered)", detail: "after 30m" });
  });

  it("names a note's author, or a former member once the account is gone", () => {
    const note = {
      type: "note",
      id: "00000000-0000-4000-8000-000000000001",
      at: "2026-11-22T10:05:00Z",
      text: "<b>x</b>",
    } as const;
    expect(describeEntry({ ...note, by: { id: note.id, email: "ann@example.com" } }).title).toBe(
      "Note by ann@example.com",
    );
    expect(describeEntry({ ...note, by: null }).title).toBe("Note by a former member");
  });
});

describe("status bars", () => {
  const monitor = (bars: MonitorDetail["bars"]) => ({ bars }) as MonitorDetail;
  it("shows the worst result of all monitors per hour", () => {
    expect(worstBars([monitor(["ok", "none", "degraded"]), monitor(["none", "ok", "down"])], 3)).toEqual([
      "ok",
      "ok",
      "down",
    ]);
  });
  it("labels every hourly bar for hover and screen readers", () => {
    const blocks = barsToBlocks(["ok", "down"], "2026-11-22T10:00:00Z", 3600);
    expect(blocks.map((b) => b.state)).toEqual(["ok", "down"]);
    expect(blocks[1]?.tooltip).toMatch(/11.*down$/);
  });
  it("draws an hour with time in maintenance as maintenance, the overall bar only where all monitors share it", () => {
    const blocks = barsToBlocks(["ok", "down", "none"], "2026-11-22T10:00:00Z", 3600, [0, 1800, 3600]);
    expect(blocks.map((b) => b.state)).toEqual(["ok", "maintenance", "maintenance"]);
    expect(blocks[1]?.tooltip).toMatch(/: maintenance \(30 min\), down$/);
    expect(blocks[2]?.tooltip).toMatch(/: maintenance \(whole hour\), no data$/);
    const withMaintenance = (maintenance_seconds: number[]) => ({ maintenance_seconds }) as MonitorDetail;
    expect(sharedMaintenance([withMaintenance([0, 600, 3600]), withMaintenance([60, 0, 1200])], 3)).toEqual([
      0, 0, 1200,
    ]);
    expect(sharedMaintenance([], 2)).toEqual([0, 0]);
  });
  it("labels the public page's days with their uptime", () => {
    const page = { days: { from: "2026-11-20", count: 2 } } as PublicStatusPage;
    const blocks = dayBlocks(page, [
      { status: "ok", uptime_percent: 100, maintenance_seconds: 0 },
      { status: "degraded", uptime_percent: 99.5, maintenance_seconds: 0 },
    ]);
    expect(blocks).toEqual([
      { state: "ok", tooltip: "Nov 20: 100.00% uptime" },
      { state: "partial", tooltip: "Nov 21: 99.50% uptime" },
    ]);
  });
});

describe("server charts", () => {
  it("draws the disk chart with a line per mount from one metrics answer", () => {
    const data: MetricsResponse = {
      range: "24h",
      step_seconds: 300,
      from: "2026-11-21T10:00:00Z",
      to: "2026-11-22T10:00:00Z",
      series: [
        { name: "disk.used_percent", labels: { mount: "/" }, points: [] },
        { name: "disk.used_percent", labels: { mount: "/srv" }, points: [] },
      ],
    };
    const disk = SECTIONS[0]?.charts.find((c) => c.id === "disk");
    if (!disk) throw new Error("the system section has a disk chart");
    expect(buildChart(disk, data).series.map((s) => s.label)).toEqual(["/", "/srv"]);
  });
});
