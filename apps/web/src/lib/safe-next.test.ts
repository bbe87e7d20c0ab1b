import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next.ts";

describe("safeNext", () => {
  it("follows same-site paths with their query", () => {
    expect(safeNext("/servers/detail?id=abc")).toBe("/servers/detail?id=abc");
  });
  it("refuses other sites and odd forms (no open redirect)", () => {
    for (const bad of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
      "",
      null,
    ]) {
      expect(safeNext(bad)).toBe("/servers");
    }
  });
});

describe("invitation links", () => {
  it("read the token from the fragment first, then the query", async () => {
    const { invitationToken } = await import("@/features/onboarding/accept-invite.tsx");
    expect(invitationToken("#token=abc123", null)).toBe("abc123");
    expect(invitationToken("", "q456")).toBe("q456");
    expect(invitationToken("", null)).toBe("");
  });
});
