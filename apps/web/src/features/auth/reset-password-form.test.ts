import { describe, expect, it } from "vitest";
import { resetToken } from "./reset-password-form.tsx";

describe("the token of a password-reset link", () => {
  it("is read from the fragment custos-server admin reset-password prints", () => {
    expect(resetToken("#token=abc_DEF-123")).toBe("abc_DEF-123");
    expect(resetToken("token=abc")).toBe("abc");
  });

  it("is empty when the link was cut short or carries something else", () => {
    expect(resetToken("")).toBe("");
    expect(resetToken("#")).toBe("");
    expect(resetToken("#token=")).toBe("");
    expect(resetToken("#access_token=x&type=recovery")).toBe("");
  });
});
