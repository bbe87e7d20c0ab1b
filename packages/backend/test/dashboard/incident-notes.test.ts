import { randomUUID } from "node:crypto";
import { INCIDENT_NOTE_MAX_LENGTH, IncidentDetail, IncidentNote } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let server: string;
let incident: string;
let incidentB: string;

/** An incident of `org` written with service access, opened `minutesAgo` minutes ago. */
async function openIncident(org: string, serverId: string | null, title: string, minutesAgo = 30) {
  const [row] = await d.sql<{ id: string }[]>`
    insert into incidents (org_id, server_id, subject_key, kind, title, started_at, opened_at)
    values (${org}, ${serverId}, ${`test:${randomUUID()}`}, 'heartbeat', ${title},
            now() - make_interval(mins => ${minutesAgo}), now() - make_interval(mins => ${minutesAgo}))
    returning id`;
  return row?.id as string;
}

const notesPath = (id = incident, org = d.orgA) => `/orgs/${org}/incidents/${id}/notes`;
const noteCount = async () => Number((await d.sql`select count(*)::int as n from incident_notes`)[0]?.n);

beforeAll(async () => {
  d = await setupDashboard();
  server = await d.register("db-1");
  incident = await openIncident(d.orgA, server, "db-1 stopped sending heartbeats");
  incidentB = await openIncident(d.orgB, null, "B's own outage");
});
afterAll(() => d.close());

describe("incident notes", () => {
  it("lets a member add a note that the timeline shows with its author, in time order", async () => {
    const note = expectContract(
      await d.api("POST", notesPath(), {
        as: d.users.member,
        body: { text: "  Uplink flapped; swapped the cable.  " },
      }),
      201,
      IncidentNote,
    );
    expect(note).toMatchObject({
      type: "note",
      text: "Uplink flapped; swapped the cable.",
      by: { id: d.users.member.id, email: d.users.member.email },
    });
    const detail = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/incidents/${incident}`, { as: d.users.viewer }),
      200,
      IncidentDetail,
    );
    expect(detail.timeline.map((e) => e.type)).toEqual(["opened", "note"]);
    expect(detail.timeline[1]).toEqual(note);
  });

  it("keeps hostile text exactly as written (never rendered, so nothing to strip)", async () => {
    const text = `<img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) =cmd|' /C calc'!A0\n"quoted"`;
    const res = await d.api("POST", notesPath(), { as: d.users.admin, body: { text } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.text).toBe(text);
    const [stored] = await d.sql`select body from incident_notes where id = ${res.body.id}`;
    expect(stored?.body).toBe(text);
  });

  it("accepts a note of the maximum length and refuses one character more, naming text", async () => {
    const ok = await d.api("POST", notesPath(), { body: { text: "x".repeat(INCIDENT_NOTE_MAX_LENGTH) } });
    expect(ok.status, ok.text).toBe(201);
    const before = await noteCount();
    const long = await d.api("POST", notesPath(), {
      body: { text: "x".repeat(INCIDENT_NOTE_MAX_LENGTH + 1) },
    });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: "VALIDATION", field: "text" });
    expect(await noteCount()).toBe(before);
  });

  it.each([
    ["missing text", {}, "text"],
    ["empty text", { text: "" }, "text"],
    ["only whitespace", { text: " \n\t " }, "text"],
    ["a number", { text: 42 }, "text"],
    ["a NUL byte", { text: "a\u0000b" }, "text"],
    ["a lone surrogate", { text: "a\uD800b" }, "text"],
    ["an unknown field", { text: "ok", author_id: randomUUID() }, "author_id"],
  ])("refuses %s with 400 naming the field and stores nothing", async (_, body, field) => {
    const before = await noteCount();
    const res = await d.api("POST", notesPath(), { as: d.users.member, body });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field });
    expect(await noteCount()).toBe(before);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await d.api("POST", notesPath(), { as: d.users.member, body: "{text:" });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("body");
  });

  it("refuses viewers with 403 and writes nothing", async () => {
    const before = await noteCount();
    const res = await d.api("POST", notesPath(), { as: d.users.viewer, body: { text: "me too" } });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("member");
    expect(await noteCount()).toBe(before);
  });

  it("answers 404 for another organization's incident, through either organization's path", async () => {
    const before = await noteCount();
    const viaOwnOrg = await d.api("POST", notesPath(incidentB), { body: { text: "peek" } });
    expect(viaOwnOrg.status).toBe(404);
    expect(viaOwnOrg.body.error.field).toBe("incident_id");
    const viaOtherOrg = await d.api("POST", notesPath(incidentB, d.orgB), { body: { text: "peek" } });
    expect(viaOtherOrg.status).toBe(404);
    const unknown = await d.api("POST", notesPath(randomUUID()), { body: { text: "ghost" } });
    expect(unknown.status).toBe(404);
    expect(await noteCount()).toBe(before);
    // and B's owner sees none of A's notes
    const detailB = await d.api("GET", `/orgs/${d.orgA}/incidents/${incident}`, { as: d.users.ownerB });
    expect(detailB.status).toBe(404);
  });

  it("lets only the author or an admin delete a note", async () => {
    const note = await d.api("POST", notesPath(), {
      as: d.users.member,
      body: { text: "wrong incident, sorry" },
    });
    const path = `${notesPath()}/${note.body.id}`;
    const byViewer = await d.api("DELETE", path, { as: d.users.viewer });
    expect(byViewer.status).toBe(403);
    const other = await d.user("other-member@a.example");
    await d.join(d.orgA, other, "member");
    const byOtherMember = await d.api("DELETE", path, { as: other });
    expect(byOtherMember.status).toBe(403);
    const byOwnerB = await d.api("DELETE", path, { as: d.users.ownerB });
    expect(byOwnerB.status).toBe(404);
    const byAuthor = await d.api("DELETE", path, { as: d.users.member });
    expect(byAuthor.status).toBe(200);
    expect(await d.sql`select 1 from incident_notes where id = ${note.body.id}`).toHaveLength(0);
    const again = await d.api("DELETE", path, { as: d.users.member });
    expect(again.status).toBe(404);
    expect(again.body.error.field).toBe("note_id");

    const second = await d.api("POST", notesPath(), {
      as: d.users.member,
      body: { text: "admin removes this" },
    });
    const byAdmin = await d.api("DELETE", `${notesPath()}/${second.body.id}`, { as: d.users.admin });
    expect(byAdmin.status).toBe(200);
  });

  it("refuses a note in another user's name even through the database as authenticated", async () => {
    const { asCaller } = await import("../../src/index.ts");
    const attempt = asCaller(
      d.sql,
      { sub: d.users.member.id, role: "authenticated" },
      (tx) =>
        tx`insert into public.incident_notes (org_id, incident_id, author_id, body)
         values (${d.orgA}, ${incident}, ${d.users.admin.id}, 'forged')`,
    );
    await expect(attempt).rejects.toMatchObject({ code: "42501" });
  });

  it("keeps a note when its author's account is deleted, without an author", async () => {
    const leaver = await d.user("leaver@a.example");
    await d.join(d.orgA, leaver, "member");
    const note = await d.api("POST", notesPath(), { as: leaver, body: { text: "handing over" } });
    expect(note.status).toBe(201);
    await d.sql`delete from auth.users where id = ${leaver.id}`;
    const detail = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/incidents/${incident}`),
      200,
      IncidentDetail,
    );
    expect(detail.timeline.find((e) => e.type === "note" && e.id === note.body.id)).toMatchObject({
      by: null,
      text: "handing over",
    });
  });
});
