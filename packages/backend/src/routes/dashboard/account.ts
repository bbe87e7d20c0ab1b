import type { Ctx } from "../../context.ts";
import { acceptInvitation } from "../../members/accept-invitation.ts";
import { createOrganizationForUser } from "../../orgs/create-for-user.ts";
import { getMe } from "../../orgs/me.ts";
import type { RegisterRoute } from "./route.ts";

/** /v1/me, POST /v1/orgs, POST /v1/invitations/accept: the caller's own account. */
export function accountRoutes(route: RegisterRoute, ctx: Ctx) {
  route("me", ({ caller }) => getMe({ ctx, caller }));
  route("createOrg", ({ caller, body }) => createOrganizationForUser({ ctx, caller, input: body }));
  route("acceptInvitation", ({ caller, body }) => acceptInvitation({ ctx, caller, input: body }));
}
