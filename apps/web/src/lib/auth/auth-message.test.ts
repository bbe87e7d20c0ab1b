import { describe, expect, it } from "vitest";
import { authMessage } from "./auth-provider.tsx";

describe("sign-in and sign-up messages", () => {
  it("says what went wrong in words, from Supabase Auth's error codes", () => {
    expect(
      authMessage({ code: "invalid_credentials", status: 400, message: "Invalid login credentials" }),
    ).toBe("Wrong email or password.");
    expect(authMessage({ code: "user_already_exists", status: 422 })).toMatch(/already registered/);
    expect(authMessage({ code: "over_request_rate_limit", status: 429 })).toMatch(/Too many attempts/);
    expect(authMessage({ status: 429 })).toMatch(/Too many attempts/);
    expect(authMessage({ status: 0, message: "Failed to fetch" })).toMatch(/Could not reach/);
    expect(authMessage({ status: 500, message: "boom at line 3" })).toMatch(/server had a problem/);
    expect(
      authMessage({
        code: "weak_password",
        status: 422,
        message: "Password should be at least 8 characters.",
      }),
    ).toBe("Password should be at least 8 characters.");
  });

  it("shows why a sign-up was refused, with the setting custos-server names", () => {
    const message =
      "Signups not allowed for this instance (CUSTOS_SIGNUPS=closed): ask an administrator for an account";
    expect(authMessage({ code: "signup_disabled", status: 422, message })).toBe(message);
    expect(authMessage({ code: "signup_disabled", status: 422 })).toMatch(/Sign-ups are closed/);
  });

  it("says a spent or expired password-reset link needs a new one", () => {
    expect(
      authMessage({ code: "otp_expired", status: 403, message: "Token has expired or is invalid" }),
    ).toMatch(/expired or was already used/);
  });
});
