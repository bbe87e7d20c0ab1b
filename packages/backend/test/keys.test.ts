import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../src/index.ts";
import { setup } from "./harness.ts";

const REG = { hostname: "k", server_name: "k", agent_version: "1", os: "linux", arch: "x64" };

describe("API keys on agent routes", () => {
  let h: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    h = await setup({ apiKeyCacheMs: 200 });
  });
  afterAll(() => h.close());

  it("refuses a request without an Authorization header with 401 naming the header", async () => {
    const res = await h.call("/register", REG, { key: "", headers: { authorization: "" } });
    expect(res.status).toBe(401);
    expect(res.body.error.field).toBe("authorization");
  });

  it.each([["Basic abc"], ["Bearer"], ["Bearer cus_short"], [`Bearer cus_${"a".repeat(40)} extra`]])(
    "refuses the malformed or unknown header %j with 401",
    async (header) => {
      const res = await h.call("/register", REG, { headers: { authorization: header } });
      expect(res.status).toBe(401);
    },
  );

  it("stamps last_used_at when a key is used", async () => {
    const created = await createApiKey({
      ctx: { sql: h.sql },
      input: { org_id: h.orgId, scope: "agent", name: "fresh" },
    });
    const [before] = await h.sql`select last_used_at from api_keys where id = ${created.id}`;
    expect(before?.last_used_at).toBeNull();
    expect((await h.call("/register", REG, { key: created.key })).status).toBe(200);
    const [after] = await h.sql`select last_used_at from api_keys where id = ${created.id}`;
    expect(Math.abs(((after?.last_used_at as Date | undefined)?.getTime() ?? 0) - Date.now())).toBeLessThan(
      5_000,
    );
  });

  it("stores only the SHA-256 of a key and a visible prefix", async () => {
    const created = await createApiKey({ ctx: { sql: h.sql }, input: { org_id: h.orgId, scope: "agent" } });
    const [row] =
      await h.sql`select prefix, encode(secret_hash, 'hex') as hash, row_to_json(api_keys)::text as all_columns from api_keys where id = ${created.id}`;
    const expected = Buffer.from(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(created.key)),
    ).toString("hex");
    expect(row?.hash).toBe(expected);
    expect(row?.prefix).toBe(created.key.slice(0, 12));
    expect(row?.all_columns).not.toContain(created.key);
  });

  it("refuses a key revoked through the API at once", async () => {
    const created = await createApiKey({ ctx: { sql: h.sql }, input: { org_id: h.orgId, scope: "agent" } });
    expect((await h.call("/register", REG, { key: created.key })).status).toBe(200);
    await revokeApiKey({ ctx: h.app.ctx, input: { key_id: created.id, org_id: h.orgId } });
    const res = await h.call("/register", REG, { key: created.key });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/revoked/);
  });

  it("refuses a key revoked by another process once the key cache expires", async () => {
    const created = await createApiKey({ ctx: { sql: h.sql }, input: { org_id: h.orgId, scope: "agent" } });
    expect((await h.call("/register", REG, { key: created.key })).status).toBe(200);
    await h.sql`update api_keys set revoked_at = now() where id = ${created.id}`;
    await new Promise((r) => setTimeout(r, 250));
    expect((await h.call("/register", REG, { key: created.key })).status).toBe(401);
  });

  it("refuses a read-scope key on agent routes with 403", async () => {
    const read = await createApiKey({ ctx: { sql: h.sql }, input: { org_id: h.orgId, scope: "read" } });
    const res = await h.call("/register", REG, { key: read.key });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });
});

describe("rate limiting", () => {
  it("answers 429 with Retry-After once a key exceeds its burst, and other keys are unaffected", async () => {
    const h = await setup({ agentRateLimitPerSecond: 1, agentRateLimitBurst: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await h.call("/register", REG)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const other = await createApiKey({ ctx: { sql: h.sql }, input: { org_id: h.orgId, scope: "agent" } });
      expect((await h.call("/register", REG, { key: other.key })).status).toBe(200);
      const limited = await h.app.request("/api/agent/register", {
        method: "POST",
        headers: { authorization: `Bearer ${h.key}`, "content-type": "application/json" },
        body: JSON.stringify(REG),
      });
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      await h.close();
    }
  });
});
