import { MetricsQuery, ServersQuery, UpdateServerRequest } from "@custos/protocol";
import type { Hono } from "hono";
import type { Ctx } from "../../context.ts";
import { listMetricNames } from "../../metrics/names.ts";
import { getServerMetrics } from "../../metrics/series.ts";
import { approveServerByUser } from "../../servers/approve-by-user.ts";
import { deleteServer } from "../../servers/delete.ts";
import { getServerDetail } from "../../servers/detail.ts";
import { listServers } from "../../servers/overview.ts";
import { updateServer } from "../../servers/update.ts";
import { bodyOf, type DashboardEnv, pathIds, queryOf } from "./http.ts";

export function serverRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/servers", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const query = queryOf(c, ServersQuery);
    return c.json(await listServers({ ctx, caller: c.get("caller"), input: { org_id, query } }));
  });

  app.get("/orgs/:org_id/servers/:server_id", async (c) => {
    const input = pathIds(c, "org_id", "server_id");
    return c.json(await getServerDetail({ ctx, caller: c.get("caller"), input }));
  });

  app.patch("/orgs/:org_id/servers/:server_id", async (c) => {
    const ids = pathIds(c, "org_id", "server_id");
    const changes = await bodyOf(c, UpdateServerRequest);
    return c.json(await updateServer({ ctx, caller: c.get("caller"), input: { ...ids, changes } }));
  });

  app.post("/orgs/:org_id/servers/:server_id/approve", async (c) => {
    const input = pathIds(c, "org_id", "server_id");
    return c.json(await approveServerByUser({ ctx, caller: c.get("caller"), input }));
  });

  app.delete("/orgs/:org_id/servers/:server_id", async (c) => {
    const input = pathIds(c, "org_id", "server_id");
    return c.json(await deleteServer({ ctx, caller: c.get("caller"), input }));
  });

  app.get("/orgs/:org_id/servers/:server_id/metrics", async (c) => {
    const ids = pathIds(c, "org_id", "server_id");
    const query = queryOf(c, MetricsQuery);
    return c.json(await getServerMetrics({ ctx, caller: c.get("caller"), input: { ...ids, query } }));
  });

  app.get("/orgs/:org_id/servers/:server_id/metric-names", async (c) => {
    const input = pathIds(c, "org_id", "server_id");
    return c.json(await listMetricNames({ ctx, caller: c.get("caller"), input }));
  });
}
