import { IncidentsQuery } from "@custos/protocol";
import type { Hono } from "hono";
import type { Ctx } from "../../context.ts";
import { acknowledgeIncidentByUser } from "../../incidents/acknowledge-by-user.ts";
import { getIncident } from "../../incidents/detail.ts";
import { listIncidents } from "../../incidents/list.ts";
import { resolveIncidentByUser } from "../../incidents/resolve-by-user.ts";
import { type DashboardEnv, pathIds, queryOf } from "./http.ts";

export function incidentRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/incidents", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const query = queryOf(c, IncidentsQuery);
    return c.json(await listIncidents({ ctx, caller: c.get("caller"), input: { org_id, query } }));
  });

  app.get("/orgs/:org_id/incidents/:incident_id", async (c) => {
    const input = pathIds(c, "org_id", "incident_id");
    return c.json(await getIncident({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/incidents/:incident_id/acknowledge", async (c) => {
    const input = pathIds(c, "org_id", "incident_id");
    return c.json(await acknowledgeIncidentByUser({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/incidents/:incident_id/resolve", async (c) => {
    const input = pathIds(c, "org_id", "incident_id");
    return c.json(await resolveIncidentByUser({ ctx, caller: c.get("caller"), input }));
  });
}
