import { CreateProbeRequest, UpdateProbeRequest } from "@custos/protocol";
import type { Hono } from "hono";
import type { Ctx } from "../../context.ts";
import { createProbeByUser } from "../../probes/create-by-user.ts";
import { deleteProbe } from "../../probes/delete.ts";
import { listProbes } from "../../probes/list.ts";
import { updateProbe } from "../../probes/update.ts";
import { bodyOf, type DashboardEnv, pathIds } from "./http.ts";

export function probeRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/probes", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await listProbes({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/probes", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const probe = await bodyOf(c, CreateProbeRequest);
    return c.json(await createProbeByUser({ ctx, caller: c.get("caller"), input: { org_id, probe } }), 201);
  });

  app.patch("/orgs/:org_id/probes/:probe_id", async (c) => {
    const ids = pathIds(c, "org_id", "probe_id");
    const changes = await bodyOf(c, UpdateProbeRequest);
    return c.json(await updateProbe({ ctx, caller: c.get("caller"), input: { ...ids, changes } }));
  });

  app.delete("/orgs/:org_id/probes/:probe_id", async (c) => {
    const input = pathIds(c, "org_id", "probe_id");
    return c.json(await deleteProbe({ ctx, caller: c.get("caller"), input }));
  });
}
