import { CreateAlertRuleRequest, UpdateAlertRuleRequest } from "@custos/protocol";
import type { Hono } from "hono";
import { createAlertRule } from "../../alert-rules/create.ts";
import { deleteAlertRule } from "../../alert-rules/delete.ts";
import { listAlertRules } from "../../alert-rules/list.ts";
import { updateAlertRule } from "../../alert-rules/update.ts";
import type { Ctx } from "../../context.ts";
import { bodyOf, type DashboardEnv, pathIds } from "./http.ts";

export function alertRuleRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/alert-rules", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await listAlertRules({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/alert-rules", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const rule = await bodyOf(c, CreateAlertRuleRequest);
    return c.json(await createAlertRule({ ctx, caller: c.get("caller"), input: { org_id, rule } }), 201);
  });

  app.patch("/orgs/:org_id/alert-rules/:rule_id", async (c) => {
    const ids = pathIds(c, "org_id", "rule_id");
    const changes = await bodyOf(c, UpdateAlertRuleRequest);
    return c.json(await updateAlertRule({ ctx, caller: c.get("caller"), input: { ...ids, changes } }));
  });

  app.delete("/orgs/:org_id/alert-rules/:rule_id", async (c) => {
    const input = pathIds(c, "org_id", "rule_id");
    return c.json(await deleteAlertRule({ ctx, caller: c.get("caller"), input }));
  });
}
