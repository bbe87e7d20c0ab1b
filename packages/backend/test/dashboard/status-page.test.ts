import { PublicStatusPage, StatusPageItem, StatusPageList } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let site: string;
let api: string;
let secret: string;
let foreign: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  d = await setupDashboard();
  const server = await d.register("web-1");
  const now = Date.now();
  await d.pushChecks(server, [
    { monitor: "http:site", status: "ok", ts: now - 50 * HOUR },
    { monitor: "http:site", status: "down", ts: now - 49 * HOUR, message: "db password rejected for user x" },
    { monitor: "http:site", status: "ok", ts: now - 60_000 },
    { monitor: "http:api", status: "degraded", ts: now - 30_000 },
    { monitor: "systemd:secret-thing", status: "ok", ts: now - 30_000, message: "internal detail" },
  ]);
  const serverB = await d.register("b-1", d.agentKeyB);
  await d.pushChecks(serverB, [{ monitor: "http:b-private", status: "ok", ts: now - 30_000 }], d.agentKeyB);
  await d.refresh();
  const ids = await d.sql<{ id: string; name: string }[]>`select id, name from monitors`;
  const byName = (n: string) => ids.find((m) => m.name === n)?.id as string;
  site = byName("http:site");
  api = byName("http:api");
  secret = byName("systemd:secret-thing");
  foreign = byName("http:b-private");
});
afterAll(() => d.close());

describe("status pages", () => {
  let page: StatusPageItem;

  it("lets an admin publish chosen monitors of their own organization under a slug", async () => {
    const body = { slug: "Acme-Status", title: "Acme status", monitor_ids: [site, api] };
    expect((await d.api("POST", `/orgs/${d.orgA}/status-pages`, { as: d.users.member, body })).status).toBe(
      403,
    );
    const mixed = await d.api("POST", `/orgs/${d.orgA}/status-pages`, {
      as: d.users.admin,
      body: { ...body, monitor_ids: [site, foreign] },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.field).toBe("monitor_ids.1");
    page = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/status-pages`, { as: d.users.admin, body }),
      201,
      StatusPageItem,
    );
    expect(page).toMatchObject({ slug: "acme-status", monitor_ids: [site, api], enabled: true });
    const taken = await d.api("POST", `/orgs/${d.orgB}/status-pages`, {
      as: d.users.ownerB,
      body: { slug: "acme-status", title: "x" },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.field).toBe("slug");
    expect(
      expectContract(
        await d.api("GET", `/orgs/${d.orgA}/status-pages`, { as: d.users.viewer }),
        200,
        StatusPageList,
      ).status_pages,
    ).toHaveLength(1);
  });

  it("shows only the chosen monitors, without a token, with 90 daily bars", async () => {
    const res = await d.api("GET", "/status/acme-status", { as: null });
    const pub = expectContract(res, 200, PublicStatusPage);
    expect(res.headers.get("cache-control")).toBe("public, max-age=30");
    expect(pub).toMatchObject({ slug: "acme-status", title: "Acme status", status: "degraded" });
    expect(pub.days.count).toBe(90);
    expect(pub.monitors.map((m) => [m.name, m.status])).toEqual([
      ["http:site", "ok"],
      ["http:api", "degraded"],
    ]);
    const siteBars = pub.monitors[0]?.days ?? [];
    expect(siteBars).toHaveLength(90);
    // the newest check is seconds old: today's bar, or yesterday's in the first seconds of a UTC day
    expect(siteBars.slice(-2).some((b) => b.status !== "none")).toBe(true);
    expect(siteBars.filter((b) => b.status === "down").length).toBeGreaterThanOrEqual(1);
    expect(pub.monitors[0]?.uptime_percent).toBeCloseTo(66.667, 2);
    // nothing that was not chosen, and nothing internal
    for (const leak of [
      "secret-thing",
      "internal detail",
      "b-private",
      "web-1",
      "password",
      site,
      api,
      secret,
      d.orgA,
    ]) {
      expect(res.text).not.toContain(leak);
    }
  });

  it("cannot list another organization's monitor, not even written with service access", async () => {
    const refused = await d.sql`
      update status_pages set monitor_ids = monitor_ids || ${foreign}::uuid where id = ${page.id}`.catch(
      (e: { code?: string }) => e.code,
    );
    expect(refused).toBe("23503");
    const res = await d.api("GET", "/status/acme-status", { as: null });
    expect(res.text).not.toContain("b-private");
    expect(res.body.monitors).toHaveLength(2);
  });

  it("answers 404 for an unknown or disabled page, 400 for a malformed slug", async () => {
    expect((await d.api("GET", "/status/nope-nope", { as: null })).status).toBe(404);
    await d.api("PATCH", `/orgs/${d.orgA}/status-pages/${page.id}`, {
      as: d.users.admin,
      body: { enabled: false },
    });
    expect((await d.api("GET", "/status/acme-status", { as: null })).status).toBe(404);
    const bad = await d.api("GET", "/status/a", { as: null });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("slug");
  });

  it("gives the anonymous role no table at all, only the function", async () => {
    for (const table of ["status_pages", "monitors", "check_rollups_1h"]) {
      const refused = await d.sql
        .begin(async (tx) => {
          await tx`select set_config('role', 'anon', true)`;
          return tx.unsafe(`select count(*) from public.${table}`);
        })
        .catch((e: { code?: string }) => e.code);
      expect(refused, table).toBe("42501");
    }
    const denied = await d.sql
      .begin(async (tx) => {
        await tx`select set_config('role', 'anon', true)`;
        return tx`select private.org_members(${d.orgA})`;
      })
      .catch((e: { code?: string }) => e.code);
    expect(denied).toBe("42501");
  });

  it("lets an admin delete the page", async () => {
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/status-pages/${page.id}`, { as: d.users.admin })).status,
    ).toBe(200);
  });
});
