import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact.ts";

const errors: Record<string, string> = JSON.parse(
  readFileSync(new URL("./fixtures/errors-pg18.json", import.meta.url), "utf8"),
);

describe("redactSecrets", () => {
  const url = "postgres://monitor:p%40ss-W0rd@db.internal:5432/app";
  it.each([
    [`could not connect to ${url}`, "could not connect to ***"],
    ["auth failed for p@ss-W0rd", "auth failed for ***"],
    ["see postgresql://other:hunter22@x:5432/db", "see postgresql://other:***@x:5432/db"],
    ["dsn host=x password=hunter22 user=y", "dsn host=x password=*** user=y"],
  ])("removes secrets from %j", (message, expected) => {
    expect(redactSecrets(message, url)).toBe(expected);
  });

  it("leaves recorded PostgreSQL errors readable", () => {
    expect(redactSecrets(errors.wrong_password ?? "", url)).toBe(
      'password authentication failed for user "custos_monitor" (28P01)',
    );
    expect(redactSecrets(errors.server_stopped ?? "", url)).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:\d+/);
  });
});
