import { BackendEnv, DEFAULT_EMAIL_FROM } from "@custos/backend";
import { describe, expect, it } from "vitest";
import { readEnv } from "../src/env.ts";

/** supabase/functions/tests/api-test.ts holds the function's side of the same comparison. */
describe("the variables custos-server shares with the Supabase function", () => {
  it("have the shared defaults (the function gets the same)", () => {
    const shared = BackendEnv.parse({});
    expect(readEnv({})).toMatchObject(shared);
    expect(readEnv({}).CUSTOS_EMAIL_FROM).toBe(DEFAULT_EMAIL_FROM);
  });

  it("are all read", () => {
    const env = readEnv({
      CUSTOS_CRON_SECRET: "a-cron-secret-of-24-chars",
      CUSTOS_BILLING_WEBHOOK_SECRET: "a-billing-secret-of-24-chars",
      CUSTOS_RESEND_API_KEY: "re_key",
      CUSTOS_PUBLIC_URL: "https://custos.example.org/",
    });
    expect(Object.keys(env)).toEqual(expect.arrayContaining(Object.keys(BackendEnv.shape)));
  });
});
