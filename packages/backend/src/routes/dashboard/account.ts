import { AcceptInvitationRequest, CreateOrgRequest } from "@custos/protocol";
import type { Hono } from "hono";
import type { Ctx } from "../../context.ts";
import { acceptInvitation } from "../../members/accept-invitation.ts";
import { createOrganizationForUser } from "../../orgs/create-for-user.ts";
import { getMe } from "../../orgs/me.ts";
import { bodyOf, type DashboardEnv } from "./http.ts";

/** /v1/me, POST /v1/orgs, POST /v1/invitations/accept: the caller's own account. */
export function accountRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/me", async (c) => c.json(await getMe({ ctx, caller: c.get("caller") })));

  app.post("/orgs", async (c) => {
    const input = await bodyOf(c, CreateOrgRequest);
    return c.json(await createOrganizationForUser({ ctx, caller: c.get("caller"), input }), 201);
  });

  app.post("/invitations/accept", async (c) => {
    const input = await bodyOf(c, AcceptInvitationRequest);
    return c.json(await acceptInvitation({ ctx, caller: c.get("caller"), input }));
  });
}
