import { signWebhook } from "@custos/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/index.ts";
import { MAX_BILLING_BODY_BYTES } from "../src/routes/billing.ts";
import { setup } from "./harness.ts";

/**
 * The billing hook (issue 16, docs/plans.md): POST /api/billing/webhook, signed with
 * CUSTOS_BILLING_WEBHOOK_SECRET, puts an organization on a plan once per event id. Every bad
 * request is a 4xx naming the header or field, never a 5xx, and changes nothing.
 */
const SECRET = "billing-secret-0123456789abcdef";
let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup({ billingWebhookSecret: SECRET });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.sql`update organizations set plan_id = 'unlimited' where id = ${h.orgId}`;
});

const now = () => Math.floor(Date.now() / 1000);

async function post(
  body: string,
  options: {
    timestamp?: string | null;
    signature?: string | null;
    headers?: Record<string, string>;
    app?: typeof h.app;
  } = {},
) {
  const timestamp = options.timestamp === undefined ? String(now()) : options.timestamp;
  const signature =
    options.signature === undefined ? await signWebhook(SECRET, timestamp ?? "", body) : options.signature;
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (timestamp !== null) headers["x-custos-timestamp"] = timestamp;
  if (signature !== null) headers["x-custos-signature"] = signature;
  const response = await (options.app ?? h.app).request("/api/billing/webhook", {
    method: "POST",
    headers,
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

const event = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_id: `evt_${Math.random().toString(36).slice(2)}`,
    org_id: h.orgId,
    plan_id: "pro",
    ...over,
  });

async function planOf() {
  const [row] = await h.sql`select plan_id from organizations where id = ${h.orgId}`;
  return row?.plan_id as string;
}

describe("billing webhook", () => {
  it("puts the organization on the plan for a correctly signed event", async () => {
    const res = await post(event({ event_id: "evt_upgrade_1" }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      event_id: "evt_upgrade_1",
      org_id: h.orgId,
      plan_id: "pro",
      previous_plan_id: "unlimited",
      duplicate: false,
    });
    expect(await planOf()).toBe("pro");
  });

  it("applies an event id once: a redelivery answers 200 duplicate and changes nothing", async () => {
    const body = event({ event_id: "evt_once", plan_id: "free" });
    expect((await post(body)).status).toBe(200);
    await h.sql`update organizations set plan_id = 'enterprise' where id = ${h.orgId}`;
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, plan_id: "free", previous_plan_id: "unlimited" });
    expect(await planOf()).toBe("enterprise");
  });

  it("lets only one of concurrent deliveries of the same event apply it", async () => {
    const body = event({ event_id: "evt_race", plan_id: "free" });
    const results = await Promise.all(Array.from({ length: 5 }, () => post(body)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    const [row] =
      await h.sql`select count(*)::int as n from private.billing_events where event_id = 'evt_race'`;
    expect(row?.n).toBe(1);
  });

  it("answers 404 when no secret is configured", async () => {
    const app = createApp({ sql: h.sql, log: { info() {}, warn() {}, error() {} } });
    const res = await post(event(), { app });
    expect(res.status).toBe(404);
    expect(await planOf()).toBe("unlimited");
  });

  it.each([
    ["a missing timestamp", { timestamp: null }, 400, "x-custos-timestamp"],
    ["a timestamp that is not a number", { timestamp: "yesterday" }, 400, "x-custos-timestamp"],
    [
      "a timestamp from 10 minutes ago (a replay)",
      { timestamp: String(now() - 600) },
      401,
      "x-custos-timestamp",
    ],
    ["a timestamp 10 minutes ahead", { timestamp: String(now() + 600) }, 401, "x-custos-timestamp"],
    ["a huge timestamp", { timestamp: "9".repeat(400) }, 400, "x-custos-timestamp"],
    ["a missing signature", { signature: null }, 400, "x-custos-signature"],
    ["a signature without sha256=", { signature: "a".repeat(64) }, 400, "x-custos-signature"],
    ["a signature of the wrong length", { signature: `sha256=${"a".repeat(63)}` }, 400, "x-custos-signature"],
    ["a wrong signature", { signature: `sha256=${"0".repeat(64)}` }, 401, "x-custos-signature"],
    ["an upper-case signature", { signature: `sha256=${"A".repeat(64)}` }, 400, "x-custos-signature"],
    [
      "a form body",
      { headers: { "content-type": "application/x-www-form-urlencoded" } },
      415,
      "content-type",
    ],
  ] as const)("refuses %s naming the header, and changes nothing", async (_, options, status, field) => {
    const res = await post(event(), options as never);
    expect(res.status).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(await planOf()).toBe("unlimited");
  });

  it("refuses a body signed with another secret, or a body changed after signing", async () => {
    const body = event();
    const timestamp = String(now());
    const other = await post(body, {
      timestamp,
      signature: await signWebhook("another-secret-0123456789abcdef", timestamp, body),
    });
    expect(other.status).toBe(401);
    const tampered = await post(body.replace('"pro"', '"enterprise"'), {
      timestamp,
      signature: await signWebhook(SECRET, timestamp, body),
    });
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.field).toBe("x-custos-signature");
    expect(await planOf()).toBe("unlimited");
  });

  it.each([
    ["an empty body", "", 400, "body"],
    ["a body that is not JSON", "{plan: pro}", 400, "body"],
    ["a JSON array", "[]", 400, ""],
    [
      "a missing event_id",
      JSON.stringify({ org_id: "00000000-0000-4000-8000-000000000000", plan_id: "pro" }),
      400,
      "event_id",
    ],
    [
      "a hostile event_id",
      JSON.stringify({
        event_id: "x'; drop table plans; --",
        org_id: "00000000-0000-4000-8000-000000000000",
        plan_id: "pro",
      }),
      400,
      "event_id",
    ],
    [
      "an oversized event_id",
      JSON.stringify({
        event_id: "e".repeat(201),
        org_id: "00000000-0000-4000-8000-000000000000",
        plan_id: "pro",
      }),
      400,
      "event_id",
    ],
    ["a malformed org_id", JSON.stringify({ event_id: "e1", org_id: "acme", plan_id: "pro" }), 400, "org_id"],
    [
      "a malformed plan_id",
      JSON.stringify({ event_id: "e1", org_id: "00000000-0000-4000-8000-000000000000", plan_id: "Pro Plan" }),
      400,
      "plan_id",
    ],
    [
      "an unknown field",
      JSON.stringify({
        event_id: "e1",
        org_id: "00000000-0000-4000-8000-000000000000",
        plan_id: "pro",
        admin: true,
      }),
      400,
      "",
    ],
    ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`, 400, "body"],
  ] as const)("refuses %s (signed) with 400, and changes nothing", async (_, body, status, field) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe("VALIDATION");
    if (field) expect(res.body.error.field).toBe(field);
    expect(await planOf()).toBe("unlimited");
    const [row] = await h.sql`select count(*)::int as n from private.billing_events where event_id in ('e1')`;
    expect(row?.n).toBe(0);
  });

  it("refuses an oversized body with 413 before reading past the limit", async () => {
    const body = JSON.stringify({
      event_id: "big",
      org_id: h.orgId,
      plan_id: "pro",
      pad: "x".repeat(MAX_BILLING_BODY_BYTES),
    });
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(res.body.error.field).toBe("body");
  });

  it("answers 404 naming the field for an unknown organization or plan, and records no event (a retry may succeed)", async () => {
    const unknownOrg = await post(
      event({ event_id: "evt_no_org", org_id: "00000000-0000-4000-8000-000000000000" }),
    );
    expect(unknownOrg.status).toBe(404);
    expect(unknownOrg.body.error.field).toBe("org_id");
    const unknownPlan = await post(event({ event_id: "evt_no_plan", plan_id: "platinum" }));
    expect(unknownPlan.status).toBe(404);
    expect(unknownPlan.body.error.field).toBe("plan_id");
    const [row] = await h.sql`
      select count(*)::int as n from private.billing_events where event_id in ('evt_no_org', 'evt_no_plan')`;
    expect(row?.n).toBe(0);
    expect(await planOf()).toBe("unlimited");
  });

  it("is not reachable with an agent key or from the dashboard's auth instead of a signature", async () => {
    const res = await h.app.request("/api/billing/webhook", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${h.key}` },
      body: event(),
    });
    expect(res.status).toBe(400);
    expect(await planOf()).toBe("unlimited");
  });
});
