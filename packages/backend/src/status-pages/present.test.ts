import { PublicStatusPage } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { presentStatusPage, type StatusPageData } from "./present.ts";

const NOW = "2026-12-05T12:00:00.000Z";
const page = (subjects: StatusPageData["subjects"]): StatusPageData => ({
  slug: "lab",
  title: "Lab",
  now: NOW,
  maintenance: [],
  subjects,
});
const server = (
  incidents: StatusPageData["subjects"][number]["incidents"],
  status: StatusPageData["subjects"][number]["status"] = "ok",
  in_maintenance = false,
) => ({
  kind: "server" as const,
  name: "nas",
  status,
  in_maintenance,
  since: "2026-01-01T00:00:00.000Z",
  incidents,
  maintenance: [] as StatusPageData["subjects"][number]["maintenance"],
});

describe("the public status page", () => {
  it("counts a 13-minute server outage today: the day is down and uptime is below 100 %", () => {
    const result = presentStatusPage(
      page([
        server([
          {
            started_at: "2026-12-05T10:00:00.000Z",
            resolved_at: "2026-12-05T10:13:00.000Z",
            severity: "critical",
          },
        ]),
      ]),
    );
    expect(PublicStatusPage.parse(result)).toEqual(result);
    const today = result.monitors[0]?.days.at(-1);
    // 13 of the 720 minutes of today so far
    expect(today).toEqual({ status: "down", uptime_percent: 98.194, maintenance_seconds: 0 });
    expect(result.monitors[0]?.uptime_percent).toBeLessThan(100);
    expect(result.monitors[0]?.days.at(-2)).toEqual({
      status: "ok",
      uptime_percent: 100,
      maintenance_seconds: 0,
    });
    expect(result.status).toBe("operational");
  });

  it("says outage while a server is down, counting its open incident up to now", () => {
    const result = presentStatusPage(
      page([
        server([{ started_at: "2026-12-05T11:00:00.000Z", resolved_at: null, severity: "critical" }], "down"),
      ]),
    );
    expect(result.status).toBe("outage");
    expect(result.monitors[0]?.days.at(-1)).toEqual({
      status: "down",
      uptime_percent: 91.667,
      maintenance_seconds: 0,
    });
  });

  it("marks a day with a warning incident degraded without counting downtime", () => {
    const result = presentStatusPage(
      page([
        server([
          {
            started_at: "2026-12-04T01:00:00.000Z",
            resolved_at: "2026-12-04T02:00:00.000Z",
            severity: "warning",
          },
        ]),
      ]),
    );
    expect(result.monitors[0]?.days.at(-2)).toEqual({
      status: "degraded",
      uptime_percent: 100,
      maintenance_seconds: 0,
    });
  });

  it("counts overlapping incidents once and splits one across midnight", () => {
    const result = presentStatusPage(
      page([
        server([
          {
            started_at: "2026-12-03T23:00:00.000Z",
            resolved_at: "2026-12-04T01:00:00.000Z",
            severity: "critical",
          },
          {
            started_at: "2026-12-04T00:30:00.000Z",
            resolved_at: "2026-12-04T00:45:00.000Z",
            severity: "critical",
          },
        ]),
      ]),
    );
    const days = result.monitors[0]?.days ?? [];
    // 1 h of each day: 23/24
    expect(days.at(-3)).toEqual({ status: "down", uptime_percent: 95.833, maintenance_seconds: 0 });
    expect(days.at(-2)).toEqual({ status: "down", uptime_percent: 95.833, maintenance_seconds: 0 });
  });

  it("shows days before a subject existed as none, and lists 90 UTC days ending today", () => {
    const result = presentStatusPage(page([{ ...server([]), since: "2026-12-04T12:00:00.000Z" }]));
    expect(result.days).toEqual({ from: "2026-09-07", count: 90 });
    const days = result.monitors[0]?.days ?? [];
    expect(days).toHaveLength(90);
    expect(days.at(-3)).toEqual({ status: "none", uptime_percent: null, maintenance_seconds: 0 });
    expect(days.at(-2)).toEqual({ status: "ok", uptime_percent: 100, maintenance_seconds: 0 });
    expect(result.monitors[0]?.uptime_percent).toBe(100);
  });

  it("leaves downtime inside maintenance out of uptime and marks the day with its seconds in maintenance", () => {
    // now 12:00; down 10:00-10:30, maintenance 09:50-10:20: of the 690 minutes outside
    // maintenance, 10 were down
    const subject = {
      ...server([
        {
          started_at: "2026-12-05T10:00:00.000Z",
          resolved_at: "2026-12-05T10:30:00.000Z",
          severity: "critical",
        },
      ]),
      maintenance: [{ starts_at: "2026-12-05T09:50:00.000Z", ends_at: "2026-12-05T10:20:00.000Z" }],
    };
    const result = presentStatusPage(page([subject]));
    expect(PublicStatusPage.parse(result)).toEqual(result);
    const today = result.monitors[0]?.days.at(-1);
    expect(today).toEqual({ status: "down", uptime_percent: 98.551, maintenance_seconds: 1800 });
    expect(today?.uptime_percent).toBe(Math.round((100_000 * 680) / 690) / 1000);
  });

  it("shows a day whose only downtime lay inside maintenance as ok, and one spent wholly in maintenance without uptime", () => {
    const subject = {
      ...server([
        {
          started_at: "2026-12-03T02:00:00.000Z",
          resolved_at: "2026-12-03T03:00:00.000Z",
          severity: "critical",
        },
        {
          started_at: "2026-12-03T04:00:00.000Z",
          resolved_at: "2026-12-03T05:00:00.000Z",
          severity: "warning",
        },
      ]),
      // two overlapping windows count once: 01:00-06:00 on Dec 3, then all of Dec 4
      maintenance: [
        { starts_at: "2026-12-03T01:00:00.000Z", ends_at: "2026-12-03T04:30:00.000Z" },
        { starts_at: "2026-12-03T04:00:00.000Z", ends_at: "2026-12-03T06:00:00.000Z" },
        { starts_at: "2026-12-04T00:00:00.000Z", ends_at: "2026-12-05T00:00:00.000Z" },
      ],
    };
    const result = presentStatusPage(page([subject]));
    const days = result.monitors[0]?.days ?? [];
    expect(days.at(-3)).toEqual({ status: "ok", uptime_percent: 100, maintenance_seconds: 5 * 3600 });
    expect(days.at(-2)).toEqual({ status: "ok", uptime_percent: null, maintenance_seconds: 86_400 });
    expect(result.monitors[0]?.uptime_percent).toBe(100);
  });

  it("rounds a sub-second overlap up, so the day is still marked", () => {
    const subject = {
      ...server([]),
      maintenance: [{ starts_at: "2026-12-05T11:59:59.800Z", ends_at: "2026-12-05T12:00:00.000Z" }],
    };
    expect(presentStatusPage(page([subject])).monitors[0]?.days.at(-1)?.maintenance_seconds).toBe(1);
  });

  it("lists upcoming maintenance and marks the one going on now as in progress", () => {
    const result = presentStatusPage({
      ...page([]),
      maintenance: [
        {
          starts_at: "2026-12-05T11:00:00.000Z",
          ends_at: "2026-12-05T13:00:00.000Z",
          public_title: "Disk swap",
          subjects: ["nas"],
        },
        {
          starts_at: "2026-12-06T02:00:00.000Z",
          ends_at: "2026-12-06T03:00:00.000Z",
          public_title: null,
          subjects: ["nas", "web"],
        },
      ],
    });
    expect(result.maintenance.map((m) => [m.in_progress, m.public_title, m.subjects])).toEqual([
      [true, "Disk swap", ["nas"]],
      [false, null, ["nas", "web"]],
    ]);
  });

  it("shows a down, degraded or unknown subject under a window in progress as maintenance, and the banner too when nothing else is wrong", () => {
    for (const status of ["down", "degraded", "unknown"] as const) {
      const result = presentStatusPage(page([server([], status, true), { ...server([]), name: "web" }]));
      expect(PublicStatusPage.parse(result)).toEqual(result);
      expect(
        result.monitors.map((m) => m.status),
        status,
      ).toEqual(["maintenance", "ok"]);
      expect(result.status, status).toBe("maintenance");
    }
  });

  it("keeps an ok subject operational during its window, and the banner operational", () => {
    const result = presentStatusPage(page([server([], "ok", true)]));
    expect(result.monitors[0]?.status).toBe("ok");
    expect(result.status).toBe("operational");
  });

  it("keeps the outage banner when an uncovered subject is down beside one under maintenance", () => {
    const covered = server([], "down", true);
    const result = presentStatusPage(page([covered, { ...server([], "down"), name: "web" }]));
    expect(result.monitors.map((m) => m.status)).toEqual(["maintenance", "down"]);
    expect(result.status).toBe("outage");
    // and an uncovered degraded or unknown one outranks the maintenance too
    expect(presentStatusPage(page([covered, { ...server([], "degraded"), name: "web" }])).status).toBe(
      "degraded",
    );
    expect(presentStatusPage(page([covered, { ...server([], "unknown"), name: "web" }])).status).toBe(
      "unknown",
    );
  });

  it("is unknown with nothing on it", () => {
    expect(presentStatusPage(page([])).status).toBe("unknown");
  });
});
