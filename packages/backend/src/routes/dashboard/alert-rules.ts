import { createAlertRule } from "../../alert-rules/create.ts";
import { deleteAlertRule } from "../../alert-rules/delete.ts";
import { listAlertRules } from "../../alert-rules/list.ts";
import { updateAlertRule } from "../../alert-rules/update.ts";
import type { Ctx } from "../../context.ts";
import type { RegisterRoute } from "./route.ts";

export function alertRuleRoutes(route: RegisterRoute, ctx: Ctx) {
  route("alertRules", ({ caller, params }) => listAlertRules({ ctx, caller, input: params }));
  route("createAlertRule", ({ caller, params, body }) =>
    createAlertRule({ ctx, caller, input: { ...params, rule: body } }),
  );
  route("updateAlertRule", ({ caller, params, body }) =>
    updateAlertRule({ ctx, caller, input: { ...params, changes: body } }),
  );
  route("deleteAlertRule", ({ caller, params }) => deleteAlertRule({ ctx, caller, input: params }));
}
