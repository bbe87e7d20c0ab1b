import { randomUUID } from "node:crypto";
import { DASHBOARD_ROUTES } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, setupDashboard } from "./helpers.ts";

let d: Dashboard;
beforeAll(async () => {
  d = await setupDashboard();
});
afterAll(() => d.close());

type RouteName = keyof typeof DASHBOARD_ROUTES;
const routes = Object.entries(DASHBOARD_ROUTES) as [RouteName, (typeof DASHBOARD_ROUTES)[RouteName]][];

/** The route's path with every parameter filled in, one of them (`bad`) malformed. */
function fill(path: string, bad?: string) {
  return path
    .replace(/^\/v1/, "")
    .replace(/:([a-z_]+)/g, (_, name: string) =>
      name === bad ? (name === "slug" ? "A" : "not-a-uuid") : name === "slug" ? "some-page" : randomUUID(),
    );
}

/** For every route with a body: an invalid body and the field the 400 must name. */
const BAD_BODIES: Partial<Record<RouteName, [unknown, string]>> = {
  createOrg: [{ name: "" }, "name"],
  updateSettings: [{ raw_retention_days: 0 }, "raw_retention_days"],
  updateServer: [{ heartbeat_timeout_seconds: 5 }, "heartbeat_timeout_seconds"],
  createApiKey: [{ scope: "root" }, "scope"],
  createChannel: [{ name: "x", kind: "email", config: { to: ["nope"] } }, "config.to.0"],
  updateChannel: [{ enabled: "yes" }, "enabled"],
  createAlertRule: [{ name: "r", repeat_mode: "repeat" }, "repeat_every_minutes"],
  updateAlertRule: [{ min_severity: "urgent" }, "min_severity"],
  updateMember: [{ role: "god" }, "role"],
  createInvitation: [{ email: "not-an-email" }, "email"],
  acceptInvitation: [{ token: 5 }, "token"],
  createProbe: [{ name: "p", config: { kind: "http", url: "not a url" } }, "config.url"],
  updateProbe: [{ interval_seconds: 1 }, "interval_seconds"],
  addIncidentNote: [{ text: " " }, "text"],
  testProbe: [{ config: { kind: "tcp", host: "db", port: 0 } }, "config.port"],
  createMaintenanceWindow: [{ starts_at: "yesterday", ends_at: "2030-01-01T00:00:00Z" }, "starts_at"],
  updateMaintenanceWindow: [{ ends_at: "soon" }, "ends_at"],
  createStatusPage: [{ slug: "-bad-", title: "x" }, "slug"],
  updateStatusPage: [{ monitor_ids: ["x"] }, "monitor_ids.0"],
  putMonitorConfig: [
    { scope: "org", monitors: [{ type: "http", name: "h", options: { url: "nope" } }] },
    "monitors.0.options.url",
  ],
  putServerTags: [{ tags: ["Not A Tag"] }, "tags.0"],
  createMonitorTest: [
    { monitor: { type: "http", name: "h", options: { url: "nope" } } },
    "monitor.options.url",
  ],
};

const BAD_QUERIES: [RouteName, string, string][] = [
  ["servers", "status=sideways", "status"],
  ["metrics", "names=", "names"],
  ["metrics", "names=cpu.percent&range=1y", "range"],
  ["metrics", "names=cpu%20percent", "names.0"],
  ["incidents", "limit=0", "limit"],
  ["incidents", "before=yesterday", "before"],
  ["incidents", "status=closed", "status"],
  ["maintenanceWindows", "when=soon", "when"],
  ["exportIncidents", "to=2026-01-01T00:00:00Z", "from"],
  ["exportIncidents", "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to"],
  ["exportChecks", "from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "to"],
  ["exportMetrics", "names=cpu.percent&format=xml", "format"],
  ["orgEvents", "kind=coup", "kind"],
  ["serverEvents", "limit=0", "limit"],
  ["serverEvents", "before=2026-01-01T00:00:00Z", "before_id"],
  ["exportEvents", "from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "to"],
  ["exportEvents", "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&server_id=x", "server_id"],
  ["monitorResults", "limit=500", "limit"],
  ["monitorResults", "cursor=next", "cursor"],
  ["monitorResponseTimes", "range=400d", "range"], // 90d and 365d are ranges since decision 0046
];

describe("bad input", () => {
  it("has a bad-body case for every route with a body", () => {
    const withBody = routes.filter(([, r]) => "body" in r).map(([name]) => name);
    expect(withBody.filter((n) => !(n in BAD_BODIES))).toEqual([]);
  });

  it.each(
    routes.flatMap(([name, r]) =>
      [...r.path.matchAll(/:([a-z_]+)/g)].map((m) => [name, m[1] as string] as const),
    ),
  )("%s answers a malformed path parameter %s with 400 naming it", async (name, param) => {
    const route = DASHBOARD_ROUTES[name];
    const res = await d.api(route.method, fill(route.path, param), {
      ...("body" in route ? { body: {} } : {}),
      as: d.users.owner,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field: param });
  });

  it.each(Object.entries(BAD_BODIES) as [RouteName, [unknown, string]][])(
    "%s answers an invalid body with 400 naming the field",
    async (name, [body, field]) => {
      const route = DASHBOARD_ROUTES[name];
      const res = await d.api(route.method, fill(route.path), { body, as: d.users.owner });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(res.body.error.message).toContain(field);
    },
  );

  it.each(BAD_QUERIES)("%s?%s answers 400 naming %s", async (name, query, field) => {
    const route = DASHBOARD_ROUTES[name];
    const res = await d.api(route.method, `${fill(route.path)}?${query}`);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  it("names an unknown field, and refuses malformed JSON and other content types", async () => {
    const unknown = await d.api("POST", "/orgs", { body: { name: "ok", bogus: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe("bogus");
    const broken = await d.api("POST", "/orgs", { body: "{not json" });
    expect(broken.status).toBe(400);
    expect(broken.body.error.field).toBe("body");
    const form = await d.api("POST", "/orgs", { body: "name=x", headers: { "content-type": "text/plain" } });
    expect(form.status).toBe(415);
    const nothing = await d.api("PATCH", `/orgs/${d.orgA}/settings`, { body: {} });
    expect(nothing.status).toBe(400);
  });
});

describe("unauthenticated", () => {
  it.each(routes.filter(([, r]) => !("public" in r)))("%s answers 401 without a token", async (name) => {
    const route = DASHBOARD_ROUTES[name];
    const res = await d.api(route.method, fill(route.path), {
      as: null,
      ...("body" in route ? { body: {} } : {}),
    });
    expect(res.status).toBe(401);
  });
});
