import { describe, expect, it } from "vitest";
import type { PublicStatusPage } from "@/lib/contract.ts";
import { maintenanceAffects, maintenanceTitle, maintenanceWhen } from "./public-maintenance.tsx";
import { barsLabel, dayBlocks, monitorBadge, overallBanner } from "./public-status.tsx";

const page = { days: { from: "2026-11-20", count: 3 } } as PublicStatusPage;

describe("the public status page's maintenance", () => {
  it("draws a day with time in maintenance hatched as maintenance, saying how long and the uptime outside it", () => {
    const blocks = dayBlocks(page, [
      { status: "ok", uptime_percent: 100, maintenance_seconds: 7200 },
      { status: "ok", uptime_percent: null, maintenance_seconds: 86_400 },
      { status: "down", uptime_percent: 99.5, maintenance_seconds: 0 },
    ]);
    expect(blocks).toEqual([
      { state: "maintenance", tooltip: "Nov 20: maintenance (2 h), 100.00% uptime" },
      { state: "maintenance", tooltip: "Nov 21: maintenance (all day)" },
      { state: "down", tooltip: "Nov 22: 99.50% uptime" },
    ]);
  });

  it("names the days with maintenance in the bar row's description", () => {
    const monitor = {
      kind: "monitor",
      name: "shop",
      status: "ok",
      uptime_percent: 99.9,
      days: [
        { status: "ok", uptime_percent: 100, maintenance_seconds: 60 },
        { status: "ok", uptime_percent: 100, maintenance_seconds: 0 },
      ],
    } as const satisfies PublicStatusPage["monitors"][number];
    expect(barsLabel(page, monitor)).toBe("shop, last 3 days: 99.90% uptime, 1 day with maintenance");
    expect(barsLabel(page, { ...monitor, days: [], uptime_percent: null })).toBe(
      "shop, last 3 days: no data",
    );
  });

  it("states a window's times in UTC, the end's day only when it differs", () => {
    expect(
      maintenanceWhen({ starts_at: "2026-12-06T02:00:00.000Z", ends_at: "2026-12-06T04:30:00.000Z" }),
    ).toBe("Dec 6, 02:00 – 04:30 (UTC)");
    expect(
      maintenanceWhen({ starts_at: "2026-12-06T22:00:00.000Z", ends_at: "2026-12-07T01:00:00.000Z" }),
    ).toBe("Dec 6, 22:00 – Dec 7, 01:00 (UTC)");
  });

  it("says which published subjects a window affects, or everything on the page", () => {
    expect(maintenanceAffects({ subjects: ["shop"] }, 3)).toBe("Affects shop");
    expect(maintenanceAffects({ subjects: ["shop", "db"] }, 3)).toBe("Affects shop, db");
    expect(maintenanceAffects({ subjects: ["shop", "db", "nas"] }, 3)).toBe(
      "Affects everything on this page",
    );
  });

  it("titles a window with its public title, or 'Scheduled maintenance' without one", () => {
    expect(maintenanceTitle({ public_title: "Database upgrade" })).toBe("Database upgrade");
    expect(maintenanceTitle({ public_title: null })).toBe("Scheduled maintenance");
    // an API older than the dashboard sends no title at all
    expect(maintenanceTitle({})).toBe("Scheduled maintenance");
  });

  it("says 'Under maintenance' in blue on the banner and on a subject's badge", () => {
    expect(overallBanner("maintenance")).toEqual({
      text: "Under maintenance",
      className: "bg-blue-600 text-white",
    });
    expect(monitorBadge("maintenance")).toEqual({ tone: "blue", label: "Under maintenance" });
    expect(overallBanner("outage").text).toBe("Outage in progress");
    expect(monitorBadge("down")).toEqual({ tone: "red", label: "Down" });
  });

  it("reads a status this build does not know as unknown on the banner and shows it gray on a badge", () => {
    expect(overallBanner("on-fire").text).toBe("Status unknown");
    expect(monitorBadge("on-fire")).toEqual({ tone: "gray", label: "on-fire" });
  });
});
