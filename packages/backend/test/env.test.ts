import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BackendEnv, DEFAULT_EMAIL_FROM, EnvError, envError, parseEnv } from "../src/env.ts";

describe("the environment both runtimes share", () => {
  it("has one default each, the sender included", () => {
    expect(parseEnv(BackendEnv, {})).toEqual({
      CUSTOS_AGENT_RATE_LIMIT: 200,
      CUSTOS_API_KEY_CACHE_SECONDS: 10,
      CUSTOS_EMAIL_FROM: DEFAULT_EMAIL_FROM,
    });
  });

  it("takes an empty value for unset and drops a trailing slash from CUSTOS_PUBLIC_URL", () => {
    expect(
      parseEnv(BackendEnv, { CUSTOS_EMAIL_FROM: "", CUSTOS_PUBLIC_URL: "https://custos.example.org/" }),
    ).toMatchObject({
      CUSTOS_EMAIL_FROM: DEFAULT_EMAIL_FROM,
      CUSTOS_PUBLIC_URL: "https://custos.example.org",
    });
  });

  it("refuses bad values naming every variable, never the value", () => {
    const read = () =>
      parseEnv(BackendEnv.extend({ PORT: z.coerce.number().int() }), {
        CUSTOS_CRON_SECRET: "short-secret",
        CUSTOS_PUBLIC_URL: "custos.example.org",
        PORT: "eighty",
      });
    expect(read).toThrow(EnvError);
    expect(read).toThrow(
      /^invalid environment:\n {2}CUSTOS_CRON_SECRET: use at least 24 characters\n {2}CUSTOS_PUBLIC_URL: must be an http\(s\):\/\/ URL\n {2}PORT: /,
    );
    expect(read).not.toThrow(/short-secret/);
  });

  it("words a runtime's own refusal the same way", () => {
    expect(envError("CUSTOS_DB_POOL", "at least 2").message).toBe(
      "invalid environment:\n  CUSTOS_DB_POOL: at least 2",
    );
  });
});
