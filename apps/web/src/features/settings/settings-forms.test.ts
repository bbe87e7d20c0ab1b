import { describe, expect, it } from "vitest";
import type { OrgSettings } from "@/lib/contract.ts";
import { toRuleBody } from "./alert-rules.tsx";
import { channelPayload, channelTarget } from "./channel-form.ts";
import { settingsChanges } from "./general.tsx";
import { scopeName, toLocalInput, windowChanges } from "./maintenance.tsx";
import { parseHostPort } from "./probes.tsx";
import { slugify } from "./status-pages.tsx";

describe("settings forms", () => {
  it("sends a channel's settings as config, its secrets as secret, lists split", () => {
    expect(channelPayload("email", { to: "a@example.com, b@example.com;c@example.com" })).toEqual({
      config: { to: ["a@example.com", "b@example.com", "c@example.com"] },
      secret: {},
    });
    expect(channelPayload("ntfy", { server: "", topic: " alerts ", token: "tk" })).toEqual({
      config: { topic: "alerts" },
      secret: { token: "tk" },
    });
    expect(channelTarget("ntfy", { topic: "alerts" })).toBe("ntfy.sh/alerts");
    expect(channelTarget("email", { to: ["a@example.com", "b@example.com"] })).toBe(
      "a@example.com, b@example.com",
    );
  });

  it("patches only what changed in the organization settings", () => {
    const before: OrgSettings = {
      id: "00000000-0000-0000-0000-000000000001",
      name: "Lab",
      role: "owner",
      require_server_approval: false,
      raw_retention_days: 90,
      flap_threshold: 5,
      flap_window_minutes: 30,
      agent_dedup_seconds: 60,
      default_heartbeat_timeout_seconds: 120,
      created_at: "2026-11-22T00:00:00Z",
    };
    const same = {
      name: "Lab",
      approval: false,
      retention: "90",
      flapThreshold: "5",
      flapWindow: "30",
      dedup: "60",
      timeout: "120",
    };
    expect(settingsChanges(before, same)).toBeUndefined();
    expect(settingsChanges(before, { ...same, name: " Home lab ", retention: "30", timeout: "300" })).toEqual(
      {
        name: "Home lab",
        raw_retention_days: 30,
        default_heartbeat_timeout_seconds: 300,
      },
    );
  });

  it("clears escalation and repeat fields that do not apply", () => {
    const body = toRuleBody({
      name: " Page ",
      min_severity: "critical",
      channel_ids: ["c1"],
      escalate: false,
      escalate_after_minutes: "15",
      escalation_channel_ids: ["c2"],
      repeat_mode: "once",
      repeat_every_minutes: "60",
      notify_restored: true,
      enabled: true,
    });
    expect(body).toMatchObject({
      name: "Page",
      escalate_after_minutes: null,
      escalation_channel_ids: [],
      repeat_every_minutes: null,
    });
  });

  it("parses host:port for TCP probes", () => {
    expect(parseHostPort("db.lan:5432")).toEqual({ host: "db.lan", port: 5432 });
    expect(parseHostPort("[::1]:22")).toEqual({ host: "::1", port: 22 });
    expect(parseHostPort("db.lan")).toBeUndefined();
    expect(parseHostPort("db.lan:70000")).toBeUndefined();
  });

  it("suggests a status page address from its title", () => {
    expect(slugify("Acme Home Lab!")).toBe("acme-home-lab");
    expect(slugify("  Café  Ops ")).toBe("cafe-ops");
  });
});

describe("maintenance window form", () => {
  const shown = {
    start: "2026-12-06T10:00",
    end: "2026-12-06T11:00",
    reason: "kernel update",
    publicTitle: "Database upgrade",
  };

  it("sends only what an edit changed, a cleared text as null, and no time left as shown", () => {
    expect(windowChanges(shown, shown)).toEqual({});
    expect(windowChanges(shown, { ...shown, publicTitle: "  Storage upgrade " })).toEqual({
      public_title: "Storage upgrade",
    });
    expect(windowChanges(shown, { ...shown, publicTitle: "   ", reason: "" })).toEqual({
      public_title: null,
      reason: null,
    });
    // the form's clock is the browser's (UTC in these tests)
    expect(windowChanges(shown, { ...shown, end: "2026-12-06T12:30" })).toEqual({
      ends_at: "2026-12-06T12:30:00.000Z",
    });
    // re-typing the same text with spaces around it is no change
    expect(windowChanges(shown, { ...shown, reason: " kernel update " })).toEqual({});
  });

  it("shows a window's time to the minute in the form's local-time field", () => {
    expect(toLocalInput(new Date("2026-12-06T10:00:59.000Z"))).toBe("2026-12-06T10:00");
  });

  it("names what a window covers: the organization, a server by name, or a monitor", () => {
    const servers = [{ id: "s1", name: "web-1" }];
    expect(scopeName({ server_id: null, monitor_id: null }, servers)).toBe("Whole organization");
    expect(scopeName({ server_id: "s1", monitor_id: null }, servers)).toBe("web-1");
    expect(scopeName({ server_id: "gone", monitor_id: null }, servers)).toBe("A server");
    expect(scopeName({ server_id: "s1", monitor_id: "m1" }, servers)).toBe("One monitor");
  });
});
