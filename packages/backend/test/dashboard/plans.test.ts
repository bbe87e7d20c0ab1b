import { ApiError, PlanUsage } from "@custos/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setOrganizationPlan } from "../../src/index.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

/**
 * Plans (issue 16, docs/plans.md): limits refused at the write with 402 PLAN_LIMIT naming the
 * plan, the limit and the usage; nothing stored is lost by a downgrade.
 */
let d: Dashboard;
beforeAll(async () => {
  d = await setupDashboard();
  // a plan small enough to reach in a test; org A has 4 members (owner, admin, member, viewer)
  await d.sql`
    insert into plans (id, name, max_servers, max_members, max_probes, channel_limits,
                       retention_raw_days, retention_1m_days, retention_5m_days, retention_1h_days)
    values ('tiny', 'Tiny', 2, 5, 1, '{"*": 0, "email": 1}', 7, 7, 30, 90)`;
});
afterAll(() => d.close());

beforeEach(async () => {
  await d.sql`delete from servers where org_id = ${d.orgA}`;
  await d.sql`delete from monitors where org_id = ${d.orgA}`;
  await d.sql`delete from channels where org_id = ${d.orgA}`;
  await d.sql`delete from invitations where org_id = ${d.orgA}`;
  await d.sql`update organizations set plan_id = 'unlimited', raw_retention_days = 90 where id = ${d.orgA}`;
});

const onPlan = (plan: string) =>
  setOrganizationPlan({ ctx: { sql: d.sql }, input: { org_id: d.orgA, plan_id: plan } });

const registration = (hostname: string) => ({
  hostname,
  server_name: hostname,
  agent_version: "0.3.1",
  os: "linux",
  arch: "x64",
});

async function serverCount() {
  const [row] = await d.sql`select count(*)::int as n from servers where org_id = ${d.orgA}`;
  return row?.n as number;
}

function expectPlanLimit(res: { status: number; body: unknown }, field: string) {
  expect(res.status).toBe(402);
  const parsed = ApiError.parse(res.body);
  expect(parsed.error.code).toBe("PLAN_LIMIT");
  expect(parsed.error.field).toBe(field);
  return parsed.error.message;
}

describe("servers", () => {
  it("refuses registering a server over the plan's limit with 402 PLAN_LIMIT naming plan, limit and usage, and stores nothing", async () => {
    await onPlan("tiny");
    await d.register("web-1");
    await d.register("web-2");
    const refused = await d.agent("/register", registration("web-3"));
    const message = expectPlanLimit(refused, "plan.max_servers");
    expect(message).toBe(
      "the Tiny plan allows 2 servers and this organization has 2: remove a server or change the plan",
    );
    expect(await serverCount()).toBe(2);
  });

  it("words the free tier's single server as the issue does", async () => {
    await onPlan("free");
    await d.register("only");
    const message = expectPlanLimit(await d.agent("/register", registration("second")), "plan.max_servers");
    expect(message).toBe(
      "the Free plan allows 1 server and this organization has 1: remove a server or change the plan",
    );
  });

  it("lets a server already registered register again at the limit (an agent restarting)", async () => {
    await onPlan("tiny");
    const first = await d.register("web-1");
    await d.register("web-2");
    const again = await d.agent("/register", registration("web-1"));
    expect(again.status).toBe(200);
    expect(again.body.server_id).toBe(first);
  });

  it("lets a server's own key re-register its server at the limit", async () => {
    await onPlan("tiny");
    await d.register("web-1");
    const { createApiKey } = await import("../../src/index.ts");
    const own = await createApiKey({
      ctx: { sql: d.sql },
      input: { org_id: d.orgA, scope: "agent", max_servers: 1 },
    });
    const id = await d.register("web-2", own.key);
    const again = await d.agent("/register", registration("web-2"), own.key);
    expect(again.status).toBe(200);
    expect(again.body.server_id).toBe(id);
  });

  it("lets only one of several concurrent registrations take the last place", async () => {
    await onPlan("tiny");
    await d.register("web-1");
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => d.agent("/register", registration(`race-${i}`))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 402, 402, 402, 402, 402]);
    expect(await serverCount()).toBe(2);
  });

  it("keeps every server and its data after a downgrade, refuses new ones until usage is under the limit", async () => {
    const ids = [await d.register("a"), await d.register("b"), await d.register("c")];
    await onPlan("tiny");
    // nothing lost, everything keeps working
    expect(await serverCount()).toBe(3);
    for (const id of ids) {
      const beat = await d.agent("/heartbeat", { server_id: id, sent_at: new Date().toISOString() });
      expect(beat.status).toBe(200);
      await d.pushMetrics(id, [{ ts: Date.now() - 1000, name: "cpu.percent", value: 5 }]);
    }
    expect((await d.agent("/register", registration("c"))).status).toBe(200);
    expectPlanLimit(await d.agent("/register", registration("d")), "plan.max_servers");
    const usage = expectContract(await d.api("GET", `/orgs/${d.orgA}/plan`), 200, PlanUsage);
    expect(usage.servers).toEqual({ field: "plan.max_servers", limit: 2, used: 3, state: "over_limit" });
    // back at the limit: still refused; under it: accepted
    await d.api("DELETE", `/orgs/${d.orgA}/servers/${ids[0]}`);
    expectPlanLimit(await d.agent("/register", registration("d")), "plan.max_servers");
    await d.api("DELETE", `/orgs/${d.orgA}/servers/${ids[1]}`);
    expect((await d.agent("/register", registration("d"))).status).toBe(200);
  });

  it("limits no organization on the self-hosted default plan", async () => {
    for (let i = 0; i < 5; i++) await d.register(`many-${i}`);
    expect(await serverCount()).toBe(5);
  });
});

describe("members", () => {
  const invite = (email: string) =>
    d.api("POST", `/orgs/${d.orgA}/invitations`, { as: d.users.admin, body: { email, role: "member" } });

  it("counts pending invitations with members and refuses the one over max_members", async () => {
    await onPlan("tiny");
    expect((await invite("fifth@a.example")).status).toBe(201);
    const message = expectPlanLimit(await invite("sixth@a.example"), "plan.max_members");
    expect(message).toBe(
      "the Tiny plan allows 5 members and this organization has 5 (4 members and 1 pending invitation): remove a member, revoke an invitation or change the plan",
    );
    const [row] = await d.sql`select count(*)::int as n from invitations where org_id = ${d.orgA}`;
    expect(row?.n).toBe(1);
  });

  it("makes room again when an invitation is revoked", async () => {
    await onPlan("tiny");
    const first = await invite("fifth@a.example");
    await d.api("DELETE", `/orgs/${d.orgA}/invitations/${first.body.invitation.id}`, { as: d.users.admin });
    expect((await invite("other@a.example")).status).toBe(201);
  });
});

describe("probes", () => {
  const body = { name: "site", config: { kind: "http", url: "https://example.com" } };

  it("refuses a member's probe over max_probes and keeps the existing one", async () => {
    await onPlan("tiny");
    expect((await d.api("POST", `/orgs/${d.orgA}/probes`, { as: d.users.member, body })).status).toBe(201);
    const message = expectPlanLimit(
      await d.api("POST", `/orgs/${d.orgA}/probes`, { as: d.users.member, body: { ...body, name: "two" } }),
      "plan.max_probes",
    );
    expect(message).toContain("allows 1 backend probe and this organization has 1");
    const list = await d.api("GET", `/orgs/${d.orgA}/probes`, { as: d.users.member });
    expect(list.body.probes.map((p: { name: string }) => p.name)).toEqual(["site"]);
  });

  it("lets only one of concurrent probe creations take the last place", async () => {
    await onPlan("tiny");
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        d.api("POST", `/orgs/${d.orgA}/probes`, { as: d.users.member, body: { ...body, name: `p${i}` } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 402, 402, 402]);
  });
});

describe("channels", () => {
  const create = (body: unknown) => d.api("POST", `/orgs/${d.orgA}/channels`, { as: d.users.admin, body });
  const email = (name: string) => ({ name, kind: "email", config: { to: ["ops@a.example"] } });
  const slack = {
    name: "chat",
    kind: "slack",
    secret: { webhook_url: "https://hooks.slack.com/services/T/B/x" },
  };

  it("limits each kind by its own entry and refuses a kind the plan does not include by '*'", async () => {
    await onPlan("tiny");
    expect((await create(email("one"))).status).toBe(201);
    expect(expectPlanLimit(await create(email("two")), "plan.channel_limits.email")).toBe(
      "the Tiny plan allows 1 email channel and this organization has 1: remove an email channel or change the plan",
    );
    expect(expectPlanLimit(await create(slack), "plan.channel_limits.*")).toBe(
      "the Tiny plan does not include slack channels: change the plan",
    );
    const [row] = await d.sql`select count(*)::int as n from channels where org_id = ${d.orgA}`;
    expect(row?.n).toBe(1);
  });

  it("treats a kind absent with no '*' as unlimited", async () => {
    await d.sql`insert into plans (id, name, channel_limits, retention_raw_days, retention_1m_days, retention_5m_days, retention_1h_days)
                values ('email-only-limit', 'Email limited', '{"email": 1}', 7, 7, 7, 7) on conflict do nothing`;
    await onPlan("email-only-limit");
    expect((await create(slack)).status).toBe(201);
    expect((await create({ ...slack, name: "chat 2" })).status).toBe(201);
  });
});

describe("retention", () => {
  it("refuses raw_retention_days above the plan's with 402 naming raw_retention_days, and keeps the setting", async () => {
    await onPlan("tiny");
    const refused = await d.api("PATCH", `/orgs/${d.orgA}/settings`, {
      as: d.users.admin,
      body: { raw_retention_days: 30 },
    });
    expect(expectPlanLimit(refused, "raw_retention_days")).toBe(
      "the Tiny plan keeps raw samples at most 7 days: choose 7 or fewer, or change the plan",
    );
    const [row] = await d.sql`select raw_retention_days from organizations where id = ${d.orgA}`;
    expect(row?.raw_retention_days).toBe(90);
    // sending back the value it already has (above the plan since the downgrade) is no change
    const same = await d.api("PATCH", `/orgs/${d.orgA}/settings`, {
      as: d.users.admin,
      body: { name: "Org A", raw_retention_days: 90 },
    });
    expect(same.status).toBe(200);
    const ok = await d.api("PATCH", `/orgs/${d.orgA}/settings`, {
      as: d.users.admin,
      body: { raw_retention_days: 7 },
    });
    expect(ok.status).toBe(200);
  });
});

describe("GET plan", () => {
  it("shows any member the plan, usage against each limit and the effective raw retention", async () => {
    await onPlan("tiny");
    await d.register("web-1");
    await d.api("POST", `/orgs/${d.orgA}/channels`, {
      as: d.users.admin,
      body: { name: "m", kind: "email", config: { to: ["ops@a.example"] } },
    });
    await d.api("POST", `/orgs/${d.orgA}/invitations`, {
      as: d.users.admin,
      body: { email: "new@a.example", role: "viewer" },
    });
    const usage = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/plan`, { as: d.users.viewer }),
      200,
      PlanUsage,
    );
    expect(usage).toEqual({
      plan: { id: "tiny", name: "Tiny" },
      servers: { field: "plan.max_servers", limit: 2, used: 1, state: "under" },
      members: {
        field: "plan.max_members",
        limit: 5,
        used: 5,
        state: "at_limit",
        members: 4,
        pending_invitations: 1,
      },
      probes: { field: "plan.max_probes", limit: 1, used: 0, state: "under" },
      channels: [{ kind: "email", field: "plan.channel_limits.email", limit: 1, used: 1, state: "at_limit" }],
      other_channel_kinds_limit: 0,
      retention: {
        raw_days: 7,
        rollup_1m_days: 7,
        rollup_5m_days: 30,
        rollup_1h_days: 90,
        organization_raw_days: 90,
        effective_raw_days: 7,
      },
    });
  });

  it("answers unlimited for the self-hosted default", async () => {
    const usage = expectContract(await d.api("GET", `/orgs/${d.orgA}/plan`), 200, PlanUsage);
    expect(usage.plan.id).toBe("unlimited");
    expect(usage.servers.state).toBe("unlimited");
    expect(usage.channels).toEqual([]);
    expect(usage.other_channel_kinds_limit).toBeNull();
  });

  it("answers 404 for another organization's plan and 401 without sign-in", async () => {
    expect((await d.api("GET", `/orgs/${d.orgB}/plan`)).status).toBe(404);
    expect((await d.api("GET", `/orgs/${d.orgA}/plan`, { as: null })).status).toBe(401);
    const bad = await d.api("GET", "/orgs/not-a-uuid/plan");
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("org_id");
  });
});
