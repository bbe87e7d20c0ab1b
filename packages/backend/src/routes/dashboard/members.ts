import { CreateInvitationRequest, UpdateMemberRequest } from "@custos/protocol";
import type { Hono } from "hono";
import type { Ctx } from "../../context.ts";
import { inviteMember } from "../../members/invite.ts";
import { listMembers } from "../../members/list.ts";
import { listInvitations } from "../../members/list-invitations.ts";
import { removeMember } from "../../members/remove.ts";
import { revokeInvitation } from "../../members/revoke-invitation.ts";
import { updateMemberRole } from "../../members/update-role.ts";
import { bodyOf, type DashboardEnv, pathIds } from "./http.ts";

export function memberRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/members", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await listMembers({ ctx, caller: c.get("caller"), input }));
  });

  app.patch("/orgs/:org_id/members/:user_id", async (c) => {
    const ids = pathIds(c, "org_id", "user_id");
    const changes = await bodyOf(c, UpdateMemberRequest);
    return c.json(await updateMemberRole({ ctx, caller: c.get("caller"), input: { ...ids, changes } }));
  });

  app.delete("/orgs/:org_id/members/:user_id", async (c) => {
    const input = pathIds(c, "org_id", "user_id");
    return c.json(await removeMember({ ctx, caller: c.get("caller"), input }));
  });

  app.get("/orgs/:org_id/invitations", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await listInvitations({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/invitations", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const invitation = await bodyOf(c, CreateInvitationRequest);
    return c.json(await inviteMember({ ctx, caller: c.get("caller"), input: { org_id, invitation } }), 201);
  });

  app.delete("/orgs/:org_id/invitations/:invitation_id", async (c) => {
    const input = pathIds(c, "org_id", "invitation_id");
    return c.json(await revokeInvitation({ ctx, caller: c.get("caller"), input }));
  });
}
