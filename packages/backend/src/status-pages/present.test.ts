import { PublicStatusPage } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { presentStatusPage, type StatusPageData } from "./present.ts";

const NOW = "2026-12-05T12:00:00.000Z";
const page = (subjects: StatusPageData["subjects"]): StatusPageData => ({
  slug: "lab",
  title: "Lab",
  now: NOW,
  subjects,
});
const server = (
  incidents: StatusPageData["subjects"][number]["incidents"],
  status: "ok" | "down" = "ok",
) => ({
  kind: "server" as const,
  name: "nas",
  status,
  since: "2026-01-01T00:00:00.000Z",
  incidents,
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
    expect(today).toEqual({ status: "down", uptime_percent: 98.194 });
    expect(result.monitors[0]?.uptime_percent).toBeLessThan(100);
    expect(result.monitors[0]?.days.at(-2)).toEqual({ status: "ok", uptime_percent: 100 });
    expect(result.status).toBe("operational");
  });

  it("says outage while a server is down, counting its open incident up to now", () => {
    const result = presentStatusPage(
      page([
        server([{ started_at: "2026-12-05T11:00:00.000Z", resolved_at: null, severity: "critical" }], "down"),
      ]),
    );
    expect(result.status).toBe("outage");
    expect(result.monitors[0]?.days.at(-1)).toEqual({ status: "down", uptime_percent: 91.667 });
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
    expect(result.monitors[0]?.days.at(-2)).toEqual({ status: "degraded", uptime_percent: 100 });
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
    expect(days.at(-3)).toEqual({ status: "down", uptime_percent: 95.833 });
    expect(days.at(-2)).toEqual({ status: "down", uptime_percent: 95.833 });
  });

  it("shows days before a subject existed as none, and lists 90 UTC days ending today", () => {
    const result = presentStatusPage(page([{ ...server([]), since: "2026-12-04T12:00:00.000Z" }]));
    expect(result.days).toEqual({ from: "2026-09-07", count: 90 });
    const days = result.monitors[0]?.days ?? [];
    expect(days).toHaveLength(90);
    expect(days.at(-3)).toEqual({ status: "none", uptime_percent: null });
    expect(days.at(-2)).toEqual({ status: "ok", uptime_percent: 100 });
    expect(result.monitors[0]?.uptime_percent).toBe(100);
  });

  it("is unknown with nothing on it", () => {
    expect(presentStatusPage(page([])).status).toBe("unknown");
  });
});
