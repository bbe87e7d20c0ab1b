import { describe, expect, it } from "vitest";
import { isAppPath, pageDataFor } from "./early-requests.ts";

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
