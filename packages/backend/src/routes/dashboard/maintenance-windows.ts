import {
  CreateMaintenanceWindowRequest,
  MaintenanceWindowsQuery,
  UpdateMaintenanceWindowRequest,
} from "@custos/protocol";
import type { Hono } from "hono";
import type { Ctx } from "../../context.ts";
import { createMaintenanceWindow } from "../../maintenance-windows/create.ts";
import { deleteMaintenanceWindow } from "../../maintenance-windows/delete.ts";
import { listMaintenanceWindows } from "../../maintenance-windows/list.ts";
import { updateMaintenanceWindow } from "../../maintenance-windows/update.ts";
import { bodyOf, type DashboardEnv, pathIds, queryOf } from "./http.ts";

export function maintenanceWindowRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/maintenance-windows", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const query = queryOf(c, MaintenanceWindowsQuery);
    return c.json(await listMaintenanceWindows({ ctx, caller: c.get("caller"), input: { org_id, query } }));
  });

  app.post("/orgs/:org_id/maintenance-windows", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const window = await bodyOf(c, CreateMaintenanceWindowRequest);
    return c.json(
      await createMaintenanceWindow({ ctx, caller: c.get("caller"), input: { org_id, window } }),
      201,
    );
  });

  app.patch("/orgs/:org_id/maintenance-windows/:window_id", async (c) => {
    const ids = pathIds(c, "org_id", "window_id");
    const changes = await bodyOf(c, UpdateMaintenanceWindowRequest);
    return c.json(
      await updateMaintenanceWindow({ ctx, caller: c.get("caller"), input: { ...ids, changes } }),
    );
  });

  app.delete("/orgs/:org_id/maintenance-windows/:window_id", async (c) => {
    const input = pathIds(c, "org_id", "window_id");
    return c.json(await deleteMaintenanceWindow({ ctx, caller: c.get("caller"), input }));
  });
}
