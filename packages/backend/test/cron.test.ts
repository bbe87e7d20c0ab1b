import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/index.ts";
import { setup } from "./harness.ts";

let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup({ cronSecret: "a-long-cron-secret-value" });
});
afterAll(() => h.close());

const tick = (
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  auth?: string,
) => app.request("/api/cron/tick", { method: "POST", headers: auth ? { authorization: auth } : {} });

describe("cron route", () => {
  it("runs the sweep, escalations and dispatch with the right secret", async () => {
    const res = await tick(h.app, "Bearer a-long-cron-secret-value");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ down: 0, escalations: 0, dispatch: { delivered: 0 } });
  });

  it.each([[undefined], ["Bearer wrong"], ["a-long-cron-secret-value"]])(
    "refuses %j with 401",
    async (auth) => {
      const res = await tick(h.app, auth);
      expect(res.status).toBe(401);
    },
  );

  it("is switched off (404) when no secret is configured", async () => {
    const off = createApp({ sql: h.sql });
    expect((await tick(off, "Bearer anything")).status).toBe(404);
  });
});
