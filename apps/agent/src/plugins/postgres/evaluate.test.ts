import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { customValue, evaluateCustom, interpretStats } from "./evaluate.ts";
import type { StatsRow } from "./sql.ts";

const primary: StatsRow = JSON.parse(
  readFileSync(new URL("./fixtures/stats-row-pg18-primary.json", import.meta.url), "utf8"),
);
/** The recorded primary row as a replica would answer it (no replica can run here). */
const replica = (lag: number | null): StatsRow => ({
  ...primary,
  in_recovery: true,
  replication_lag_seconds: lag,
});
const defaults = { max_connections_warn_percent: 80 };
const sample = (row: StatsRow, name: string, thresholds = defaults) =>
  interpretStats(row, thresholds).samples.find((s) => s.name === name)?.value;

describe("interpretStats on a recorded PostgreSQL 18 row", () => {
  it("turns the row into samples a user can chart", () => {
    const { samples, status, message } = interpretStats(primary, defaults);
    expect(status).toBe("ok");
    expect(message).toBe("PostgreSQL 18.4 primary, connections 3/200, 1 active, 1 idle in transaction");
    expect(samples).toContainEqual({ name: "postgres.connections.used_percent", value: 1.5 });
    expect(samples).toContainEqual({ name: "postgres.longest_query_seconds", value: 1.51 });
    expect(samples).toContainEqual({
      name: "postgres.database.size_bytes",
      value: 7804607,
      labels: { database: "postgres" },
    });
    expect(samples.find((s) => s.name === "postgres.replication_lag_seconds")).toBeUndefined();
  });

  it.each([
    ["below the warning share", { max_connections_warn_percent: 80 }, primary, "ok", /connections 3\/200/],
    [
      "above the warning share",
      { max_connections_warn_percent: 1 },
      primary,
      "degraded",
      /3\/200 \(1.5%\) above 1%/,
    ],
    [
      "a query longer than the limit",
      { ...defaults, long_query_warn_seconds: 1 },
      primary,
      "degraded",
      /a query has run 2s \(limit 1s\)/,
    ],
    [
      "a replica within the lag limit",
      { ...defaults, replication_lag_warn_seconds: 30 },
      replica(4.2),
      "ok",
      /replica.*lag 4.2s/,
    ],
    [
      "a replica behind the lag limit",
      { ...defaults, replication_lag_warn_seconds: 30 },
      replica(95),
      "degraded",
      /replication lag 95s above 30s/,
    ],
    [
      "a replica that replayed nothing yet",
      { ...defaults, replication_lag_warn_seconds: 30 },
      replica(null),
      "degraded",
      /has not replayed/,
    ],
  ] as const)("judges %s", (_title, thresholds, row, status, message) => {
    const verdict = interpretStats(row, thresholds);
    expect(verdict.status).toBe(status);
    expect(verdict.message).toMatch(message);
  });

  it("reports the replication lag only on replicas", () => {
    expect(sample(replica(12.345), "postgres.replication_lag_seconds")).toBe(12.35);
    expect(sample(replica(12.345), "postgres.is_replica")).toBe(1);
  });

  it("says so when the role cannot see other users' sessions", () => {
    const { message } = interpretStats({ ...primary, sees_all_sessions: false }, defaults);
    expect(message).toContain("role lacks pg_monitor");
  });
});

describe("custom query values and thresholds", () => {
  it.each([
    [[{ n: 42 }], 42],
    [[{ n: "17.5" }], 17.5],
    [[{ n: 10n }], 10],
  ])("reads the first column of %o as a number", (rows, expected) => {
    expect(customValue(rows)).toBe(expected);
  });

  it.each([
    [[], "the query returned no rows"],
    [[{ n: null }], "the first column is not a number (null)"],
    [[{ n: "abc" }], "the first column is not a number (string)"],
  ])("explains why %o is not a value", (rows, error) => {
    expect(customValue(rows)).toEqual({ error });
  });

  it.each([
    [5, { warn: 10, crit: 20, direction: "above" }, "ok"],
    [15, { warn: 10, crit: 20, direction: "above" }, "degraded"],
    [25, { warn: 10, crit: 20, direction: "above" }, "down"],
    [10, { warn: 10, crit: 20, direction: "above" }, "ok"],
    [5, { warn: 10, crit: 3, direction: "below" }, "degraded"],
    [2, { warn: 10, crit: 3, direction: "below" }, "down"],
    [99, { direction: "above" }, "ok"],
  ] as const)("judges %d with %o as %s", (value, limits, status) => {
    expect(evaluateCustom(value, limits)).toBe(status);
  });
});
