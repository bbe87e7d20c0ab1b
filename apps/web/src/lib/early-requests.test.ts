import { describe, expect, it } from "vitest";
import { isAppPath, pageDataFor, storedAccessToken } from "./early-requests.ts";

describe("early requests", () => {
  it("start a detail page's own request only with an id, trailing slash or not", () => {
    expect(pageDataFor("/monitors/detail", "?id=m1")?.id).toBe("m1");
    expect(pageDataFor("/incidents/detail/", "?id=i1&x=2")?.id).toBe("i1");
    expect(pageDataFor("/servers/detail", "?id=s1")?.id).toBe("s1");
    expect(pageDataFor("/servers/detail", "")).toBeUndefined();
    expect(pageDataFor("/servers/detail", "?id=")).toBeUndefined();
    expect(pageDataFor("/servers", "?id=s1")).toBeUndefined();
    expect(pageDataFor("/status", "?id=s1")).toBeUndefined();
  });

  it("ask for /v1/me only on the signed-in app's pages, never on sign-in or public pages", () => {
    for (const path of [
      "/servers",
      "/servers/detail",
      "/monitors/detail",
      "/incidents",
      "/settings/plan",
      "/invite",
    ])
      expect(isAppPath(path), path).toBe(true);
    for (const path of ["/", "/sign-in", "/sign-up", "/reset-password", "/status", "/ack", "/serversX"])
      expect(isAppPath(path), path).toBe(false);
  });
});

describe("the stored session's token", () => {
  const now = Date.parse("2026-12-05T12:00:00Z");
  const session = (fields: Record<string, unknown>) => JSON.stringify(fields);
  it("is used while it is valid for more than a minute", () => {
    expect(storedAccessToken(session({ access_token: "jwt", expires_at: now / 1000 + 3600 }), now)).toBe(
      "jwt",
    );
  });

  it("is left to supabase-js when it is due, missing or not a session", () => {
    for (const stored of [
      null,
      "",
      "not json",
      "null",
      "42",
      session({ access_token: "jwt", expires_at: now / 1000 + 30 }),
      session({ access_token: "jwt", expires_at: now / 1000 - 10 }),
      session({ access_token: "", expires_at: now / 1000 + 3600 }),
      session({ access_token: "jwt" }),
      session({ access_token: 7, expires_at: now / 1000 + 3600 }),
      session({ expires_at: now / 1000 + 3600 }),
    ])
      expect(storedAccessToken(stored, now), String(stored)).toBeUndefined();
  });
});
