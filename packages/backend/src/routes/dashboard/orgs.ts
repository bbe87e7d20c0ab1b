import { UpdateOrgSettingsRequest } from "@custos/protocol";
import type { Hono } from "hono";
import type { Ctx } from "../../context.ts";
import { getOrganization } from "../../orgs/get.ts";
import { getOrgSummary } from "../../orgs/summary.ts";
import { updateOrgSettings } from "../../orgs/update-settings.ts";
import { bodyOf, type DashboardEnv, pathIds } from "./http.ts";

export function orgRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await getOrganization({ ctx, caller: c.get("caller"), input }));
  });

  app.patch("/orgs/:org_id/settings", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const changes = await bodyOf(c, UpdateOrgSettingsRequest);
    return c.json(await updateOrgSettings({ ctx, caller: c.get("caller"), input: { org_id, changes } }));
  });

  app.get("/orgs/:org_id/summary", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await getOrgSummary({ ctx, caller: c.get("caller"), input }));
  });
}
