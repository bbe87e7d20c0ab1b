import type { Ctx } from "../../context.ts";
import { createMaintenanceWindow } from "../../maintenance-windows/create.ts";
import { deleteMaintenanceWindow } from "../../maintenance-windows/delete.ts";
import { listMaintenanceWindows } from "../../maintenance-windows/list.ts";
import { updateMaintenanceWindow } from "../../maintenance-windows/update.ts";
import type { RegisterRoute } from "./route.ts";

export function maintenanceWindowRoutes(route: RegisterRoute, ctx: Ctx) {
  route("maintenanceWindows", ({ caller, params, query }) =>
    listMaintenanceWindows({ ctx, caller, input: { ...params, query } }),
  );
  route("createMaintenanceWindow", ({ caller, params, body }) =>
    createMaintenanceWindow({ ctx, caller, input: { ...params, window: body } }),
  );
  route("updateMaintenanceWindow", ({ caller, params, body }) =>
    updateMaintenanceWindow({ ctx, caller, input: { ...params, changes: body } }),
  );
  route("deleteMaintenanceWindow", ({ caller, params }) =>
    deleteMaintenanceWindow({ ctx, caller, input: params }),
  );
}
