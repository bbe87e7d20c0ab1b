import { describe, expect, it } from "vitest";
import { stableId, truncate, webLink } from "./content.ts";
import { pagerdutyDedupKey } from "./pagerduty.ts";

describe("the builders' helpers", () => {
  it("give the same 16-hex-digit id for the same text, and another for another", () => {
    expect(stableId("outbox:41")).toMatch(/^[0-9a-f]{16}$/);
    expect(stableId("outbox:41")).toBe(stableId("outbox:41"));
    expect(stableId("outbox:42")).not.toBe(stableId("outbox:41"));
    expect(stableId("")).toBe("cbf29ce484222325");
  });

  it("cut text by code points, never splitting an emoji", () => {
    expect(truncate("🔴🔴🔴", 2)).toBe("🔴…");
    expect(truncate("short", 10)).toBe("short");
  });

  it("leave out a link that is not http(s)", () => {
    expect(webLink("javascript:alert(1)")).toBeUndefined();
    expect(webLink("not a url")).toBeUndefined();
    expect(webLink("https://custos.example.com/x")).toBe("https://custos.example.com/x");
  });

  it("keep PagerDuty's dedup key within 255 characters and distinct per incident", () => {
    const long = `s:${"m".repeat(300)}`;
    const key = pagerdutyDedupKey({ incident_key: long, notification_id: "1" });
    expect(key.length).toBeLessThanOrEqual(255);
    expect(pagerdutyDedupKey({ incident_key: `${long}x`, notification_id: "1" })).not.toBe(key);
    expect(pagerdutyDedupKey({ incident_key: "s:m:t", notification_id: "1" })).toBe("s:m:t");
  });
});
