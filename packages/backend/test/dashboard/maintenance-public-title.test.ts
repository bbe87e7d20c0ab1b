/**
 * A maintenance window's public title (decision 0048, addendum): the dashboard API stores, changes
 * and lists it; anything that is not one line of at most 200 characters is a 400 naming
 * `public_title` with nothing written, and the column's CHECK refuses the same from writers that
 * skip the API (the Data API's column grants include it).
 */
import { MaintenanceWindowItem, MaintenanceWindowList } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
beforeAll(async () => {
  d = await setupDashboard();
});
afterAll(() => d.close());

const HOUR = 3_600_000;
const times = () => ({
  starts_at: new Date(Date.now() + HOUR).toISOString(),
  ends_at: new Date(Date.now() + 2 * HOUR).toISOString(),
});

/** Values that are not a public title, and why. */
const REFUSED: [string, unknown][] = [
  ["a number", 42],
  ["an object", { text: "Upgrade" }],
  ["an empty string", ""],
  ["only spaces", "   "],
  ["201 characters", "x".repeat(201)],
  ["100 kB", "x".repeat(100_000)],
  ["a NUL byte", "Upgrade\u0000"],
  ["an unpaired surrogate", "Upgrade \uD800"],
  ["a line break inside", "Upgrade\nclick https://evil.example"],
  ["a carriage return inside", "Upgrade\rX"],
  ["a bell", "Up\u0007grade"],
  ["a C1 control", "Up\u0085grade"],
  ["a line separator", "Up\u2028grade"],
  ["a right-to-left override", "Upgrade \u202Eexe.txt"],
  ["a bidi isolate", "Upgrade \u2066x\u2069"],
];

const titles = async () =>
  (
    await d.sql<{ public_title: string | null }[]>`
    select public_title from maintenance_windows where org_id = ${d.orgA} order by created_at`
  ).map((r) => r.public_title);

describe("a maintenance window's public title", () => {
  it("is stored, listed and changed through the dashboard API, trimmed, and null when not given", async () => {
    const titled = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/maintenance-windows`, {
        as: d.users.member,
        body: { ...times(), reason: "ticket OPS-42", public_title: "  Database upgrade  " },
      }),
      201,
      MaintenanceWindowItem,
    );
    expect(titled).toMatchObject({ reason: "ticket OPS-42", public_title: "Database upgrade" });
    const plain = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/maintenance-windows`, { as: d.users.member, body: times() }),
      201,
      MaintenanceWindowItem,
    );
    expect(plain.public_title).toBeNull();
    const listed = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/maintenance-windows`, { as: d.users.viewer }),
      200,
      MaintenanceWindowList,
    );
    expect(listed.maintenance_windows.map((w) => w.public_title)).toEqual(["Database upgrade", null]);

    // a change of the times keeps the title; null clears it; emoji and accents are kept
    const moved = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/maintenance-windows/${titled.id}`, {
        as: d.users.member,
        body: { ends_at: new Date(Date.now() + 3 * HOUR).toISOString() },
      }),
      200,
      MaintenanceWindowItem,
    );
    expect(moved.public_title).toBe("Database upgrade");
    const renamed = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/maintenance-windows/${plain.id}`, {
        as: d.users.member,
        body: { public_title: "Mise à jour 🚀" },
      }),
      200,
      MaintenanceWindowItem,
    );
    expect(renamed).toMatchObject({ public_title: "Mise à jour 🚀", reason: null });
    const cleared = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/maintenance-windows/${titled.id}`, {
        as: d.users.member,
        body: { public_title: null },
      }),
      200,
      MaintenanceWindowItem,
    );
    expect(cleared).toMatchObject({ public_title: null, reason: "ticket OPS-42" });
    // exactly 200 characters is the limit, not past it
    const longest = "x".repeat(200);
    const full = await d.api("PATCH", `/orgs/${d.orgA}/maintenance-windows/${titled.id}`, {
      as: d.users.member,
      body: { public_title: longest },
    });
    expect(full.status, full.text).toBe(200);
    expect(full.body.public_title).toBe(longest);
    await d.sql`delete from maintenance_windows where org_id = ${d.orgA}`;
  });

  it.each(REFUSED)("refuses %s on create with 400 naming public_title, writing nothing", async (_, title) => {
    const res = await d.api("POST", `/orgs/${d.orgA}/maintenance-windows`, {
      as: d.users.member,
      body: { ...times(), public_title: title },
    });
    expect(res.status, res.text.slice(0, 300)).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field: "public_title" });
    expect(res.body.error.message).toContain("public_title");
    expect(await titles()).toEqual([]);
  });

  it.each(REFUSED)(
    "refuses %s on update with 400 naming public_title, changing nothing",
    async (_, title) => {
      const w = expectContract(
        await d.api("POST", `/orgs/${d.orgA}/maintenance-windows`, {
          as: d.users.member,
          body: { ...times(), public_title: "Kept" },
        }),
        201,
        MaintenanceWindowItem,
      );
      const res = await d.api("PATCH", `/orgs/${d.orgA}/maintenance-windows/${w.id}`, {
        as: d.users.member,
        // a valid change beside it must not be written either
        body: { ends_at: new Date(Date.now() + 5 * HOUR).toISOString(), public_title: title },
      });
      expect(res.status, res.text.slice(0, 300)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "VALIDATION", field: "public_title" });
      const [row] = await d.sql<{ public_title: string; ends_at: Date }[]>`
      select public_title, ends_at from maintenance_windows where id = ${w.id}`;
      expect(row?.public_title).toBe("Kept");
      expect(row?.ends_at.toISOString()).toBe(w.ends_at);
      await d.sql`delete from maintenance_windows where id = ${w.id}`;
    },
  );

  it("is refused by the column's CHECK when too long or not one line, even with service access", async () => {
    for (const title of ["", "x".repeat(201), "a\nb", "a\tb", "a\u0085b", "a\u202eb", "a\u2068b"]) {
      const code = await d.sql`
        insert into maintenance_windows (org_id, starts_at, ends_at, public_title)
        values (${d.orgA}, now(), now() + interval '1 hour', ${title})`.catch(
        (e: { code?: string }) => e.code,
      );
      expect(code, JSON.stringify(title)).toBe("23514");
    }
    // 200 characters outside the BMP are 200 characters to PostgreSQL
    await d.sql`
      insert into maintenance_windows (org_id, starts_at, ends_at, public_title)
      values (${d.orgA}, now(), now() + interval '1 hour', ${"🚀".repeat(200)})`;
    expect(await titles()).toEqual(["🚀".repeat(200)]);
    await d.sql`delete from maintenance_windows where org_id = ${d.orgA}`;
  });

  it("can be written by a member through the Data API's column grants, as PostgREST would", async () => {
    const id = await d.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: d.users.member.id, role: "authenticated" })}, true),
                      set_config('role', 'authenticated', true)`;
      const [row] = await tx<{ id: string }[]>`
        insert into public.maintenance_windows (org_id, starts_at, ends_at, public_title, created_by)
        values (${d.orgA}, now(), now() + interval '1 hour', 'Network work', ${d.users.member.id})
        returning id`;
      await tx`update public.maintenance_windows set public_title = 'Network upgrade' where id = ${row?.id ?? ""}`;
      return row?.id;
    });
    const [row] = await d.sql<{ public_title: string }[]>`
      select public_title from maintenance_windows where id = ${id ?? ""}`;
    expect(row?.public_title).toBe("Network upgrade");
    await d.sql`delete from maintenance_windows where org_id = ${d.orgA}`;
  });
});
