import type { Ctx } from "../../context.ts";
import { inviteMember } from "../../members/invite.ts";
import { listMembers } from "../../members/list.ts";
import { listInvitations } from "../../members/list-invitations.ts";
import { removeMember } from "../../members/remove.ts";
import { revokeInvitation } from "../../members/revoke-invitation.ts";
import { updateMemberRole } from "../../members/update-role.ts";
import type { RegisterRoute } from "./route.ts";

export function memberRoutes(route: RegisterRoute, ctx: Ctx) {
  route("members", ({ caller, params }) => listMembers({ ctx, caller, input: params }));
  route("updateMember", ({ caller, params, body }) =>
    updateMemberRole({ ctx, caller, input: { ...params, changes: body } }),
  );
  route("removeMember", ({ caller, params }) => removeMember({ ctx, caller, input: params }));
  route("invitations", ({ caller, params }) => listInvitations({ ctx, caller, input: params }));
  route("createInvitation", ({ caller, params, body }) =>
    inviteMember({ ctx, caller, input: { ...params, invitation: body } }),
  );
  route("revokeInvitation", ({ caller, params }) => revokeInvitation({ ctx, caller, input: params }));
}
