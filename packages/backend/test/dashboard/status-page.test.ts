import { MonitorPage, PublicStatusPage, StatusPageItem, StatusPageList } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let site: string;
let api: string;
let secret: string;
let foreign: string;
let serverId: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  d = await setupDashboard();
  const server = await d.register("web-1");
  serverId = server;
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
  // first seen 60 h ago; what the engine recorded: http:site down for one hour 49 h ago, the
  // server silent for 13 minutes an hour ago
  await d.sql`update monitors set created_at = now() - interval '60 hours'`;
  await d.sql`update servers set created_at = now() - interval '60 hours' where id = ${server}`;
  await d.sql`
    insert into incidents (org_id, server_id, monitor_id, subject_key, kind, severity, status, title,
                           started_at, opened_at, resolved_at)
    values (${d.orgA}, ${server}, ${site}, ${`monitor:${site}`}, 'agent_check', 'critical', 'resolved', 'x',
            now() - interval '49 hours', now() - interval '49 hours', now() - interval '48 hours'),
           (${d.orgA}, ${server}, null, ${`server:${server}`}, 'heartbeat', 'critical', 'resolved', 'y',
            now() - interval '73 minutes', now() - interval '71 minutes', now() - interval '60 minutes')`;
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
    expect(pub.monitors.map((m) => [m.kind, m.name, m.status])).toEqual([
      ["monitor", "http:site", "ok"],
      ["monitor", "http:api", "degraded"],
    ]);
    const siteBars = pub.monitors[0]?.days ?? [];
    expect(siteBars).toHaveLength(90);
    // the newest check is seconds old: today's bar, or yesterday's in the first seconds of a UTC day
    expect(siteBars.slice(-2).some((b) => b.status !== "none")).toBe(true);
    expect(siteBars.filter((b) => b.status === "down").length).toBeGreaterThanOrEqual(1);
    // uptime from incident history: down 1 h of the 60 h since it was first seen
    expect(pub.monitors[0]?.uptime_percent).toBeCloseTo(98.333, 2);
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

  it("shows chosen servers first, down for the time of their heartbeat incidents, and refuses another organization's server", async () => {
    const foreignServer = await d.register("b-2", d.agentKeyB);
    const refused = await d.api("PATCH", `/orgs/${d.orgA}/status-pages/${page.id}`, {
      as: d.users.admin,
      body: { server_ids: [serverId, foreignServer] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe("server_ids.1");
    const updated = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/status-pages/${page.id}`, {
        as: d.users.admin,
        body: { server_ids: [serverId] },
      }),
      200,
      StatusPageItem,
    );
    expect(updated.server_ids).toEqual([serverId]);
    const pub = expectContract(
      await d.api("GET", "/status/acme-status", { as: null }),
      200,
      PublicStatusPage,
    );
    expect(pub.monitors.map((m) => [m.kind, m.name, m.status])).toEqual([
      ["server", "web-1", "ok"],
      ["monitor", "http:site", "ok"],
      ["monitor", "http:api", "degraded"],
    ]);
    // 13 silent minutes out of 60 h: not 100 %
    expect(pub.monitors[0]?.uptime_percent).toBeCloseTo(100 - (13 / 3600) * 100, 2);
    expect(pub.monitors[0]?.days.some((day) => day.status === "down")).toBe(true);
    await d.api("PATCH", `/orgs/${d.orgA}/status-pages/${page.id}`, {
      as: d.users.admin,
      body: { server_ids: [] },
    });
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

describe("maintenance on the public status page (decision 0048)", () => {
  const DAY = 24 * HOUR;
  let hiddenServer: string;
  let raw: {
    now: string;
    subjects: { name: string; maintenance: { starts_at: string; ends_at: string }[] }[];
  };

  beforeAll(async () => {
    hiddenServer = await d.register("hidden-box");
    const serverB = await d.register("b-3", d.agentKeyB);
    // a page with the two monitors of web-1, not web-1 itself
    expect(
      (
        await d.api("POST", `/orgs/${d.orgA}/status-pages`, {
          as: d.users.admin,
          body: { slug: "lab-maintenance", title: "Lab", monitor_ids: [site, api] },
        })
      ).status,
    ).toBe(201);
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs);
    const windows: [
      org: string,
      server: string | null,
      monitor: string | null,
      from: Date,
      to: Date,
      reason: string,
      publicTitle?: string,
    ][] = [
      // http:site's own window over the first half of its 1-hour outage 49 h ago
      [d.orgA, null, site, at(-49.5 * HOUR), at(-48.5 * HOUR), "swap the db disk"],
      // web-1's window (web-1 is not published; it covers both its published monitors)
      [
        d.orgA,
        serverId,
        null,
        at(24 * HOUR),
        at(26 * HOUR),
        "kernel upgrade, ticket OPS-42",
        "Kernel upgrade",
      ],
      // http:api's window going on now
      [d.orgA, null, api, at(-10 * 60_000), at(50 * 60_000), "cert rotation", "Certificate renewal"],
      // an unpublished server's window, going on now: covers nothing on the page
      [d.orgA, hiddenServer, null, at(-HOUR), at(HOUR), "rebuild hidden-box raid", "Hidden title"],
      // the whole organization, in two days
      [d.orgA, null, null, at(48 * HOUR), at(49 * HOUR), "datacenter power work"],
      // long past: ended 100 days ago, and one ending 85 days ago (clipped to 90 days)
      [d.orgA, null, site, at(-120 * DAY), at(-100 * DAY), "old work"],
      [d.orgA, null, site, at(-95 * DAY), at(-85 * DAY), "older work"],
      // another organization's windows, whole-org and on its server, now
      [d.orgB, null, null, at(-HOUR), at(HOUR), "org b move", "Org B title"],
      [d.orgB, serverB, null, at(-HOUR), at(3 * HOUR), "org b server"],
    ];
    for (const [org, server, monitor, from, to, reason, publicTitle] of windows) {
      await d.sql`
        insert into maintenance_windows (org_id, server_id, monitor_id, starts_at, ends_at, reason, public_title)
        values (${org}, ${server}, ${monitor}, ${from}, ${to}, ${reason}, ${publicTitle ?? null})`;
    }
    raw = await d.sql.begin(async (tx) => {
      await tx`select set_config('role', 'anon', true)`;
      const [row] = await tx<{ page: typeof raw }[]>`select published.status_page('lab-maintenance') as page`;
      return (row as { page: typeof raw }).page;
    });
  });

  it("lists the windows not yet ended that cover a published monitor, soonest first, the one going on marked in progress", async () => {
    const res = await d.api("GET", "/status/lab-maintenance", { as: null });
    const pub = expectContract(res, 200, PublicStatusPage);
    expect(pub.maintenance.map((m) => [m.in_progress, m.public_title, m.subjects])).toEqual([
      [true, "Certificate renewal", ["http:api"]],
      [false, "Kernel upgrade", ["http:site", "http:api"]],
      [false, null, ["http:site", "http:api"]],
    ]);
    const [ongoing, serverWindow, orgWindow] = pub.maintenance;
    expect(Date.parse(ongoing?.ends_at ?? "") - Date.parse(ongoing?.starts_at ?? "")).toBe(HOUR);
    expect(Date.parse(serverWindow?.starts_at ?? "")).toBeGreaterThan(Date.now() + 23 * HOUR);
    expect(Date.parse(orgWindow?.starts_at ?? "")).toBeGreaterThan(Date.now() + 47 * HOUR);
  });

  it("leaks nothing unpublished: no unpublished server's name or window, no reason, no other organization's window", async () => {
    const res = await d.api("GET", "/status/lab-maintenance", { as: null });
    for (const leak of [
      "web-1",
      "hidden-box",
      "b-3",
      "swap the db disk",
      "OPS-42",
      "cert rotation",
      "raid",
      "power work",
      "org b",
      "Org B title",
      "Hidden title",
      "reason",
      serverId,
      hiddenServer,
      d.orgA,
      d.orgB,
    ]) {
      expect(res.text).not.toContain(leak);
    }
    // the hidden server's and org B's windows go on now, yet only http:api's is in progress
    expect(res.body.maintenance.filter((m: { in_progress: boolean }) => m.in_progress)).toHaveLength(1);
  });

  it("returns no maintenance older than 90 days, and clips a window that began before them", async () => {
    const now = Date.parse(raw.now);
    const siteSpans = raw.subjects.find((s) => s.name === "http:site")?.maintenance ?? [];
    expect(siteSpans).toHaveLength(2);
    const [older, recent] = siteSpans;
    expect(Date.parse(older?.starts_at ?? "")).toBeGreaterThanOrEqual(now - 90 * DAY);
    expect(Date.parse(older?.ends_at ?? "")).toBeCloseTo(now - 85 * DAY, -4);
    expect(Date.parse(recent?.ends_at ?? "") - Date.parse(recent?.starts_at ?? "")).toBe(HOUR);
    // http:api's window going on now counts up to now only
    const apiSpans = raw.subjects.find((s) => s.name === "http:api")?.maintenance ?? [];
    expect(apiSpans).toHaveLength(1);
    expect(Date.parse(apiSpans[0]?.ends_at ?? "")).toBeLessThanOrEqual(now);
  });

  it("marks the days with maintenance and leaves downtime inside maintenance out of uptime", async () => {
    const pub = expectContract(
      await d.api("GET", "/status/lab-maintenance", { as: null }),
      200,
      PublicStatusPage,
    );
    const [sitePub, apiPub] = pub.monitors;
    // down 1 h 49 h ago, half of it in maintenance: 0.5 h down of the 59 h outside maintenance
    // since it was first seen 60 h ago (98.333 % without the window)
    expect(sitePub?.uptime_percent).toBeCloseTo((58.5 / 59) * 100, 2);
    const siteDays = sitePub?.days ?? [];
    // each day rounds its part up: a window over midnight can add a second
    const siteSeconds = siteDays.reduce((sum, day) => sum + day.maintenance_seconds, 0);
    expect(siteSeconds).toBeGreaterThanOrEqual(3600);
    expect(siteSeconds).toBeLessThanOrEqual(3601);
    expect(siteDays.filter((day) => day.maintenance_seconds > 0).every((day) => day.status !== "none")).toBe(
      true,
    );
    // http:api: 10 minutes of maintenance up to now (over midnight, two days), no downtime
    const apiDays = apiPub?.days ?? [];
    const apiSeconds = apiDays.slice(-2).reduce((sum, day) => sum + day.maintenance_seconds, 0);
    expect(apiSeconds).toBeGreaterThanOrEqual(600);
    expect(apiSeconds).toBeLessThanOrEqual(602);
    expect(apiPub?.uptime_percent).toBe(100);
  });

  it("marks the same seconds of each day as the monitor's dashboard page (one rule for which windows cover a monitor)", async () => {
    const pub = expectContract(
      await d.api("GET", "/status/lab-maintenance", { as: null }),
      200,
      PublicStatusPage,
    );
    const dashboard = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/monitors/${site}`, { as: d.users.viewer }),
      200,
      MonitorPage,
    );
    expect(dashboard.daily.from.slice(0, 10)).toBe(pub.days.from);
    const days = pub.monitors[0]?.days ?? [];
    // days before the monitor was first seen have no bar on the public page
    const shown = days.flatMap((day, i) => (day.status === "none" ? [] : [i]));
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown.map((i) => days[i]?.maintenance_seconds)).toEqual(
      shown.map((i) => dashboard.daily.maintenance_seconds[i]),
    );
    expect(shown.some((i) => (days[i]?.maintenance_seconds ?? 0) > 0)).toBe(true);
  });
});

describe("under maintenance on the public status page (decision 0048, addendum)", () => {
  // the previous block's windows stay: http:api's goes on now, http:site has none now, org B has
  // an organization-wide one going on now
  type Raw = {
    maintenance: Record<string, unknown>[];
    subjects: { name: string; status: string; in_maintenance: boolean }[];
  };
  const rawPage = () =>
    d.sql.begin(async (tx) => {
      await tx`select set_config('role', 'anon', true)`;
      const [row] = await tx<{ page: Raw }[]>`select published.status_page('lab-under-maintenance') as page`;
      return (row as { page: Raw }).page;
    });
  const publicPage = async () =>
    expectContract(await d.api("GET", "/status/lab-under-maintenance", { as: null }), 200, PublicStatusPage);
  let siteWindow: string;

  beforeAll(async () => {
    expect(
      (
        await d.api("POST", `/orgs/${d.orgA}/status-pages`, {
          as: d.users.admin,
          body: { slug: "lab-under-maintenance", title: "Lab", monitor_ids: [site, api] },
        })
      ).status,
    ).toBe(201);
    // what the checks say now: both down
    await d.sql`update monitors set last_status = 'down' where id in (${site}, ${api})`;
  });
  afterAll(async () => {
    await d.sql`update monitors set last_status = 'ok' where id = ${site}`;
    await d.sql`update monitors set last_status = 'degraded' where id = ${api}`;
  });

  it("returns each window's public title and never a reason, and marks only the subjects covered by a window in progress", async () => {
    const raw = await rawPage();
    expect(raw.maintenance.length).toBeGreaterThan(0);
    for (const m of raw.maintenance) {
      expect(Object.keys(m).sort()).toEqual(["ends_at", "public_title", "starts_at", "subjects"]);
    }
    // org B's organization-wide window goes on now, yet covers nothing of org A's
    expect(raw.subjects.map((x) => [x.name, x.status, x.in_maintenance])).toEqual([
      ["http:site", "down", false],
      ["http:api", "down", true],
    ]);
  });

  it("shows a covered down subject under maintenance, and keeps the outage banner while an uncovered one is down", async () => {
    const pub = await publicPage();
    expect(pub.monitors.map((m) => [m.name, m.status])).toEqual([
      ["http:site", "down"],
      ["http:api", "maintenance"],
    ]);
    expect(pub.status).toBe("outage");
  });

  it("says the page is under maintenance when every subject that is not operational is covered by a window in progress", async () => {
    const [row] = await d.sql<{ id: string }[]>`
      insert into maintenance_windows (org_id, monitor_id, starts_at, ends_at, reason, public_title)
      values (${d.orgA}, ${site}, now() - interval '5 minutes', now() + interval '1 hour', 'restore from backup',
              'Storage maintenance')
      returning id`;
    siteWindow = (row as { id: string }).id;
    const raw = await rawPage();
    expect(raw.subjects.map((x) => x.in_maintenance)).toEqual([true, true]);
    const res = await d.api("GET", "/status/lab-under-maintenance", { as: null });
    const pub = expectContract(res, 200, PublicStatusPage);
    expect(pub.monitors.map((m) => m.status)).toEqual(["maintenance", "maintenance"]);
    expect(pub.status).toBe("maintenance");
    expect(pub.maintenance.filter((m) => m.in_progress).map((m) => m.public_title)).toEqual([
      "Certificate renewal",
      "Storage maintenance",
    ]);
    expect(res.text).not.toContain("restore from backup");
  });

  it("stays operational when the covered subjects work through their windows", async () => {
    await d.sql`update monitors set last_status = 'ok' where id in (${site}, ${api})`;
    const pub = await publicPage();
    expect(pub.monitors.map((m) => m.status)).toEqual(["ok", "ok"]);
    expect(pub.status).toBe("operational");
    // the window is still listed as going on
    expect(pub.maintenance.some((m) => m.in_progress)).toBe(true);
  });

  it("stops saying under maintenance once the window has ended", async () => {
    await d.sql`update monitors set last_status = 'down' where id = ${site}`;
    await d.sql`update maintenance_windows set ends_at = now() - interval '1 second' where id = ${siteWindow}`;
    const pub = await publicPage();
    expect(pub.monitors.map((m) => m.status)).toEqual(["down", "ok"]);
    expect(pub.status).toBe("outage");
  });
});
