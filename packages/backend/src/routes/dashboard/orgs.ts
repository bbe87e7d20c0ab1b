import type { Ctx } from "../../context.ts";
import { getOrganization } from "../../orgs/get.ts";
import { getOrgSummary } from "../../orgs/summary.ts";
import { updateOrgSettings } from "../../orgs/update-settings.ts";
import { getPlanUsage } from "../../plans/usage.ts";
import type { RegisterRoute } from "./route.ts";

export function orgRoutes(route: RegisterRoute, ctx: Ctx) {
  route("getOrg", ({ caller, params }) => getOrganization({ ctx, caller, input: params }));
  route("updateSettings", ({ caller, params, body }) =>
    updateOrgSettings({ ctx, caller, input: { ...params, changes: body } }),
  );
  route("summary", ({ caller, params }) => getOrgSummary({ ctx, caller, input: params }));
  route("plan", ({ caller, params }) => getPlanUsage({ ctx, caller, input: params }));
}
