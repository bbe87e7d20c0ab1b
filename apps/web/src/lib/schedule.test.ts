import { describe, expect, it } from "vitest";
import { staleSweepNotice } from "./schedule.ts";

const NOW = Date.parse("2026-12-05T12:00:00Z");

describe("stale sweep banner", () => {
  it("says alerting is not running and how long ago the last sweep was", () => {
    expect(
      staleSweepNotice(
        { sweep_last_run_at: "2026-12-05T11:47:00Z", stale: true, stale_jobs: ["sweep", "probes"] },
        NOW,
      ),
    ).toBe(
      "Alerting is not running: the last sweep was 13m ago. Heartbeat and check incidents are not opened until it runs again.",
    );
  });

  it("says the sweep has never run when it has no last run", () => {
    expect(staleSweepNotice({ sweep_last_run_at: null, stale: true, stale_jobs: ["sweep"] }, NOW)).toMatch(
      /^Alerting is not running: the sweep has never run\./,
    );
  });

  it("shows nothing while the sweep runs, when only another job is stale, or from a backend without the field", () => {
    expect(
      staleSweepNotice({ sweep_last_run_at: "2026-12-05T11:59:55Z", stale: false, stale_jobs: [] }, NOW),
    ).toBeNull();
    expect(
      staleSweepNotice(
        { sweep_last_run_at: "2026-12-05T11:59:55Z", stale: true, stale_jobs: ["maintain-partitions"] },
        NOW,
      ),
    ).toBeNull();
    expect(staleSweepNotice(undefined, NOW)).toBeNull();
  });
});
