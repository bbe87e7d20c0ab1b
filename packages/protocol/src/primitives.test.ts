import { describe, expect, it } from "vitest";
import { AlertsBatch, HeartbeatRequest, MetricsBatch, RegisterRequest } from "./agent.ts";
import { CreateChannelRequest, CreateMaintenanceWindowRequest, ServersQuery } from "./dashboard.ts";
import { agentTimeProblem, JsonObject, Measurement, SafeText, Timestamp } from "./primitives.ts";

const firstPath = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues[0]?.path.map(String).join(".");

describe("SafeText", () => {
  it.each([
    ["a NUL byte", "a\u0000b"],
    ["a lone high surrogate", "a\uD800b"],
    ["a lone high surrogate at the end", "ab\uDBFF"],
    ["a lone low surrogate", "\uDC00ab"],
    ["two high surrogates", "\uD800\uD800\uDC00"],
  ])("refuses %s", (_, value) => {
    expect(SafeText.safeParse(value).success).toBe(false);
  });

  it("accepts astral characters (a surrogate pair), accents and emoji", () => {
    expect(SafeText.parse("café 🚀 \uD83D\uDE00")).toBe("café 🚀 😀");
  });

  it("keeps string methods chainable after the refinement", () => {
    expect(SafeText.trim().min(1).max(3).safeParse("  ab ").data).toBe("ab");
    expect(SafeText.trim().min(1).max(3).safeParse(" \u0000 ").success).toBe(false);
  });
});

describe("agent schemas refuse what PostgreSQL cannot store", () => {
  const server_id = "6f1c1d5e-6a0e-4c57-9d4a-2f1a3c0b9e11";
  const batch_id = "0b3a6a1e-25c3-4a0c-8f7e-7d0d9c1b2a33";

  it("names a label value with a NUL byte by its path", () => {
    const result = MetricsBatch.safeParse({
      server_id,
      batch_id,
      samples: [{ ts: Date.now(), name: "cpu.percent", labels: { mount: "/\u0000" }, value: 1 }],
    });
    expect(firstPath(result)).toBe("samples.0.labels.mount");
  });

  it("refuses a lone surrogate in the hostname", () => {
    const result = RegisterRequest.safeParse({
      hostname: "h\uD800",
      server_name: "h",
      agent_version: "1",
      os: "linux",
      arch: "x64",
    });
    expect(firstPath(result)).toBe("hostname");
  });

  it.each([
    ["epoch ms past the end of the JS Date range", 8_700_000_000_000_000],
    ["epoch ms at the edge of the JS Date range", 8_640_000_000_000_000],
    ["year 0000", "0000-01-01T00:00:00Z"],
    ["a negative epoch", -1],
    ["year 10000 in epoch ms", Date.UTC(10000, 0, 1)],
  ])("refuses a heartbeat sent_at of %s", (_, sent_at) => {
    expect(firstPath(HeartbeatRequest.safeParse({ server_id, sent_at }))).toBe("sent_at");
  });

  it("refuses year 0000 in an alert's started_at", () => {
    const alert = {
      incident_key: "k",
      monitor: "m",
      state: "down",
      started_at: "0000-01-01T00:00:00Z",
      sent_at: new Date().toISOString(),
      channels: [],
    };
    expect(firstPath(AlertsBatch.safeParse({ server_id, batch_id, alerts: [alert] }))).toBe(
      "alerts.0.started_at",
    );
  });

  it("turns accepted times into valid dates", () => {
    expect(Timestamp.parse("9999-12-31T23:59:59.999Z").getTime()).toBe(253_402_300_799_999);
    expect(Timestamp.parse(0).toISOString()).toBe("1970-01-01T00:00:00.000Z");
  });

  it("places agent data within 7 days back and 10 minutes ahead", () => {
    const now = Date.parse("2026-12-05T00:00:00Z");
    expect(agentTimeProblem(new Date(now - 7 * 86_400_000), now)).toBeNull();
    expect(agentTimeProblem(new Date(now + 600_000), now)).toBeNull();
    expect(agentTimeProblem(new Date(now - 7 * 86_400_000 - 1), now)).toMatch(/older than 7 days/);
    expect(agentTimeProblem(new Date(now + 600_001), now)).toMatch(/10 minutes in the future/);
  });
});

describe("dashboard schemas", () => {
  it("refuses a NUL in the servers search", () => {
    expect(firstPath(ServersQuery.safeParse({ q: "\u0000" }))).toBe("q");
  });

  it("refuses a maintenance window in year 0000 and one that ends before it starts", () => {
    const early = CreateMaintenanceWindowRequest.safeParse({
      starts_at: "0000-01-01T00:00:00Z",
      ends_at: "2026-01-01T00:00:00Z",
    });
    expect(firstPath(early)).toBe("starts_at");
    const backwards = CreateMaintenanceWindowRequest.safeParse({
      starts_at: "2026-01-02T00:00:00Z",
      ends_at: "2026-01-01T00:00:00Z",
    });
    expect(firstPath(backwards)).toBe("ends_at");
  });

  it("names a NUL deep inside a channel's config", () => {
    const result = CreateChannelRequest.safeParse({
      name: "hook",
      kind: "webhook",
      config: { url: "https://example.com", headers: { "X-A": "a\u0000" } },
    });
    expect(firstPath(result)).toBe("config.headers.X-A");
  });
});

describe("Measurement", () => {
  it("counts magnitudes below 1e-9 as 0, so a float4 average cannot underflow", () => {
    expect(Measurement.parse(9.3e-254)).toBe(0);
    expect(Measurement.parse(-5e-324)).toBe(0);
    expect(Measurement.parse(0.25)).toBe(0.25);
  });

  it("refuses magnitudes above 1e38, which a float4 average cannot hold, and non-finite numbers", () => {
    for (const value of [1e39, -1e308, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(Measurement.safeParse(value).success).toBe(false);
    }
  });
});

describe("JsonObject", () => {
  it("refuses nesting deeper than 8 levels and names where", () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10; i++) {
      const next = {};
      deep.a = next;
      deep = next;
    }
    const result = JsonObject.safeParse(root);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/deeper than 8/);
  });

  it("refuses a NUL in a key", () => {
    expect(firstPath(JsonObject.safeParse({ ok: { "a\u0000": 1 } }))).toBe("ok.a\u0000");
  });

  it("refuses more than 1,000 values", () => {
    expect(JsonObject.safeParse({ list: Array.from({ length: 1_001 }, () => 1) }).success).toBe(false);
  });

  it("accepts ordinary settings", () => {
    expect(JsonObject.parse({ url: "https://x", headers: { a: "b" }, codes: [200, 301] })).toBeTruthy();
  });
});
