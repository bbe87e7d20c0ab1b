import { Me, OrgSettings, ServerDetail } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/index.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let serverB: string;
beforeAll(async () => {
  d = await setupDashboard();
  serverB = await d.register("b-web-1", d.agentKeyB);
});
afterAll(() => d.close());

describe("who may call the dashboard API", () => {
  it("answers 401 naming the header when there is no token", async () => {
    const res = await d.api("GET", "/me", { as: null });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "UNAUTHORIZED", field: "authorization" });
  });

  it("answers 401 to an expired token", async () => {
    const expired = await d.token(d.users.owner.id, d.users.owner.email, {
      expiresIn: Math.floor(Date.now() / 1000) - 60,
    });
    const res = await d.api("GET", "/me", { as: `Bearer ${expired}` });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("token expired");
  });

  it("answers 401 to a token signed by another key, for another audience, or not a user's", async () => {
    const forged = await d.token(d.users.owner.id, d.users.owner.email, { key: d.otherKey });
    const wrongAud = await d.token(d.users.owner.id, d.users.owner.email, { aud: "something-else" });
    const anon = await d.token(d.users.owner.id, d.users.owner.email, { role: "anon" });
    for (const t of [forged, wrongAud, anon, "not-a-jwt"]) {
      expect((await d.api("GET", "/me", { as: `Bearer ${t}` })).status).toBe(401);
    }
  });

  it("answers 401, not 500, to a validly signed token whose subject is not a uuid", async () => {
    for (const sub of ["admin", "", "00000000-0000-0000-0000-00000000000g", "' or 1=1 --"]) {
      const odd = await d.token(sub, "odd@a.example");
      const res = await d.api("GET", "/me", { as: `Bearer ${odd}` });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: "UNAUTHORIZED", field: "authorization" });
    }
  });

  it("answers 401, not 500, to a validly signed token with a NUL or lone surrogate in a claim", async () => {
    for (const email of ["owner\u0000@a.example", "owner\uD800@a.example"]) {
      const odd = await d.token(d.users.owner.id, email);
      const res = await d.api("GET", "/me", { as: `Bearer ${odd}` });
      expect(res.status).toBe(401);
    }
  });

  it("answers 401 everywhere when the app has no JWKS configured", async () => {
    const bare = createApp({ sql: d.sql, log: { info() {}, warn() {}, error() {} } });
    const res = await bare.request("/api/v1/me", {
      headers: { authorization: `Bearer ${d.users.owner.token}` },
    });
    expect(res.status).toBe(401);
  });

  it("tells the signed-in user who they are and in which organizations, with their role", async () => {
    const me = expectContract(await d.api("GET", "/me", { as: d.users.viewer }), 200, Me);
    expect(me.user).toEqual({ id: d.users.viewer.id, email: "viewer@a.example" });
    expect(me.orgs).toContainEqual({ id: d.orgA, name: "Org A", role: "viewer" });
    expect(me.orgs.map((o) => o.id)).not.toContain(d.orgB);
  });

  it("lets a user create another organization and become its owner", async () => {
    const newcomer = await d.user("new@c.example");
    // the personal organization every new user gets (trigger on auth.users)
    const before = (await d.api("GET", "/me", { as: newcomer })).body.orgs;
    expect(before).toEqual([expect.objectContaining({ role: "owner" })]);
    const org = expectContract(
      await d.api("POST", "/orgs", { as: newcomer, body: { name: "Personal" } }),
      201,
      OrgSettings,
    );
    expect(org).toMatchObject({ name: "Personal", role: "owner", raw_retention_days: 90 });
    expect((await d.api("GET", "/me", { as: newcomer })).body.orgs).toEqual([
      ...before,
      { id: org.id, name: "Personal", role: "owner" },
    ]);
  });
});

describe("tenant isolation by URL", () => {
  it("gives a member of org A 404, not 403, for org B's server, its metrics, and org B itself", async () => {
    const paths = [
      `/orgs/${d.orgB}/servers/${serverB}`,
      `/orgs/${d.orgB}/servers/${serverB}/metrics?names=cpu.percent`,
      `/orgs/${d.orgB}/servers`,
      `/orgs/${d.orgB}`,
      `/orgs/${d.orgB}/summary`,
    ];
    for (const path of paths) {
      const res = await d.api("GET", path, { as: d.users.owner });
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain("b-web-1");
    }
  });

  it("gives 404 for org B's server opened under org A's URL", async () => {
    const res = await d.api("GET", `/orgs/${d.orgA}/servers/${serverB}`, { as: d.users.owner });
    expect(res.status).toBe(404);
    expect(res.body.error.field).toBe("server_id");
    const del = await d.api("DELETE", `/orgs/${d.orgA}/servers/${serverB}`, { as: d.users.owner });
    expect(del.status).toBe(404);
    const [still] = await d.sql`select id from servers where id = ${serverB}`;
    expect(still).toBeDefined();
  });

  it("lets org B's owner open the same server", async () => {
    const detail = expectContract(
      await d.api("GET", `/orgs/${d.orgB}/servers/${serverB}`, { as: d.users.ownerB }),
      200,
      ServerDetail,
    );
    expect(detail.server.name).toBe("b-web-1");
  });
});

describe("roles", () => {
  it("refuses a viewer creating an API key with 403 naming the role needed", async () => {
    const res = await d.api("POST", `/orgs/${d.orgA}/api-keys`, { as: d.users.viewer, body: { name: "x" } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect(res.body.error.message).toMatch(/member role or higher.*viewer/);
    const [count] = await d.sql`select count(*)::int as n from api_keys where name = 'x'`;
    expect(count?.n).toBe(0);
  });

  it("refuses a viewer and a member creating a channel with 403", async () => {
    const body = {
      name: "hook",
      kind: "webhook",
      config: { url: "http://127.0.0.1:9/hook" },
      secret: { signing_secret: "0123456789abcdef" },
    };
    for (const as of [d.users.viewer, d.users.member]) {
      const res = await d.api("POST", `/orgs/${d.orgA}/channels`, { as, body });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/admin role or higher/);
    }
    expect((await d.api("POST", `/orgs/${d.orgA}/channels`, { as: d.users.admin, body })).status).toBe(201);
  });

  it("lets a member create a key but not change organization settings", async () => {
    expect((await d.api("POST", `/orgs/${d.orgA}/api-keys`, { as: d.users.member, body: {} })).status).toBe(
      201,
    );
    const res = await d.api("PATCH", `/orgs/${d.orgA}/settings`, {
      as: d.users.member,
      body: { raw_retention_days: 30 },
    });
    expect(res.status).toBe(403);
  });

  it("lets an admin change settings", async () => {
    const res = await d.api("PATCH", `/orgs/${d.orgA}/settings`, {
      as: d.users.admin,
      body: { raw_retention_days: 30, flap_threshold: 4, require_server_approval: true },
    });
    const org = expectContract(res, 200, OrgSettings);
    expect(org).toMatchObject({
      raw_retention_days: 30,
      flap_threshold: 4,
      require_server_approval: true,
      role: "admin",
    });
    await d.sql`update organizations set require_server_approval = false, raw_retention_days = 90 where id = ${d.orgA}`;
  });
});
