import {
  AcceptedInvitation,
  CreatedInvitation,
  InvitationList,
  MemberItem,
  MemberList,
  ORG_ROLES,
} from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
beforeAll(async () => {
  d = await setupDashboard({ dashboardUrl: "https://app.custos.example" });
});
afterAll(() => d.close());

describe("members", () => {
  it("ranks roles in SQL as the API and the dashboard do (RLS compares role <= min_role)", async () => {
    const [row] = await d.sql<
      { roles: string[] }[]
    >`select enum_range(null::public.org_role)::text[] as roles`;
    expect(row?.roles).toEqual([...ORG_ROLES]);
  });

  it("lists members with roles and emails, to any member, and only co-members", async () => {
    const res = await d.api("GET", `/orgs/${d.orgA}/members`, { as: d.users.viewer });
    const list = expectContract(res, 200, MemberList);
    expect(list.members.map((m) => [m.email, m.role, m.is_you])).toEqual([
      ["owner@a.example", "owner", false],
      ["admin@a.example", "admin", false],
      ["member@a.example", "member", false],
      ["viewer@a.example", "viewer", true],
    ]);
    expect(res.text).not.toContain("owner@b.example");
    expect((await d.api("GET", `/orgs/${d.orgA}/members`, { as: d.users.ownerB })).status).toBe(404);
  });

  it("lets an admin change roles, but only an owner grants ownership, and the last owner stays", async () => {
    const promote = await d.api("PATCH", `/orgs/${d.orgA}/members/${d.users.member.id}`, {
      as: d.users.admin,
      body: { role: "owner" },
    });
    expect(promote.status).toBe(403);
    const demoteOwner = await d.api("PATCH", `/orgs/${d.orgA}/members/${d.users.owner.id}`, {
      as: d.users.admin,
      body: { role: "member" },
    });
    expect(demoteOwner.status).toBe(403);
    const lastOwner = await d.api("PATCH", `/orgs/${d.orgA}/members/${d.users.owner.id}`, {
      as: d.users.owner,
      body: { role: "admin" },
    });
    expect(lastOwner.status).toBe(409);
    const viewer = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/members/${d.users.viewer.id}`, {
        as: d.users.admin,
        body: { role: "member" },
      }),
      200,
      MemberItem,
    );
    expect(viewer).toMatchObject({ role: "member", email: "viewer@a.example" });
    await d.sql`update memberships set role = 'viewer' where user_id = ${d.users.viewer.id} and org_id = ${d.orgA}`;
    expect(
      (
        await d.api("PATCH", `/orgs/${d.orgA}/members/${d.users.admin.id}`, {
          as: d.users.member,
          body: { role: "viewer" },
        })
      ).status,
    ).toBe(403);
  });

  it("lets anyone leave, but not the last owner, and an admin remove a member", async () => {
    const extra = await d.user("extra@a.example");
    await d.join(d.orgA, extra, "viewer");
    expect((await d.api("DELETE", `/orgs/${d.orgA}/members/${extra.id}`, { as: extra })).status).toBe(200);
    expect((await d.api("GET", `/orgs/${d.orgA}`, { as: extra })).status).toBe(404);
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/members/${d.users.owner.id}`, { as: d.users.owner })).status,
    ).toBe(409);
    const another = await d.user("another@a.example");
    await d.join(d.orgA, another, "member");
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/members/${another.id}`, { as: d.users.member })).status,
    ).toBe(403);
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/members/${another.id}`, { as: d.users.admin })).status,
    ).toBe(200);
  });
});

describe("invitations", () => {
  it("invites by email with a token shown once, and the invitee with that email accepts", async () => {
    const created = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/invitations`, {
        as: d.users.admin,
        body: { email: "Newbie@A.example", role: "viewer" },
      }),
      201,
      CreatedInvitation,
    );
    expect(created.accept_url).toBe(`https://app.custos.example/invite#token=${created.token}`);
    expect(created.invitation).toMatchObject({
      role: "viewer",
      accepted_at: null,
      invited_by: { id: d.users.admin.id },
    });
    const list = await d.api("GET", `/orgs/${d.orgA}/invitations`, { as: d.users.admin });
    expectContract(list, 200, InvitationList);
    expect(list.text).not.toContain(created.token);
    expect((await d.api("GET", `/orgs/${d.orgA}/invitations`, { as: d.users.member })).status).toBe(403);

    const stranger = await d.user("stranger@x.example");
    const wrong = await d.api("POST", "/invitations/accept", {
      as: stranger,
      body: { token: created.token },
    });
    expect(wrong.status).toBe(403);
    const invitee = await d.user("newbie@a.example");
    const accepted = expectContract(
      await d.api("POST", "/invitations/accept", { as: invitee, body: { token: created.token } }),
      200,
      AcceptedInvitation,
    );
    expect(accepted).toEqual({ org: { id: d.orgA, name: "Org A" }, role: "viewer" });
    expect((await d.api("GET", `/orgs/${d.orgA}/servers`, { as: invitee })).status).toBe(200);
    const again = await d.api("POST", "/invitations/accept", { as: invitee, body: { token: created.token } });
    expect(again.status).toBe(409);
    const unknown = await d.api("POST", "/invitations/accept", {
      as: invitee,
      body: { token: "inv_nope-nope-nope" },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe("token");
  });

  it("refuses inviting someone who is already a member, and revokes an invitation", async () => {
    const dup = await d.api("POST", `/orgs/${d.orgA}/invitations`, {
      as: d.users.admin,
      body: { email: "member@a.example" },
    });
    expect(dup.status).toBe(409);
    const inv = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/invitations`, {
        as: d.users.admin,
        body: { email: "late@a.example" },
      }),
      201,
      CreatedInvitation,
    );
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/invitations/${inv.invitation.id}`, { as: d.users.admin }))
        .status,
    ).toBe(200);
    const late = await d.user("late@a.example");
    expect(
      (await d.api("POST", "/invitations/accept", { as: late, body: { token: inv.token } })).status,
    ).toBe(404);
  });
});
