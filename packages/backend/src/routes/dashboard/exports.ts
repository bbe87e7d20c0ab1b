import type { Ctx } from "../../context.ts";
import { CHECK_COLUMNS, exportChecks } from "../../exports/checks.ts";
import { exportIncidents, INCIDENT_COLUMNS } from "../../exports/incidents.ts";
import { exportMetrics, METRIC_COLUMNS } from "../../exports/metrics.ts";
import { exportResponse, fileTime } from "../../exports/response.ts";
import type { RegisterRoute } from "./route.ts";

/** CSV / JSON downloads (decision 0039): the verb reads the rows, exportResponse writes the file. */
export function exportRoutes(route: RegisterRoute, ctx: Ctx) {
  route("exportIncidents", async ({ caller, params, query }) => {
    const rows = await exportIncidents({ ctx, caller, input: { ...params, query } });
    const name = `incidents-${fileTime(query.from)}-${fileTime(query.to)}`;
    return exportResponse({ name, format: query.format, columns: INCIDENT_COLUMNS, rows });
  });
  route("exportChecks", async ({ caller, params, query }) => {
    const rows = await exportChecks({ ctx, caller, input: { ...params, query } });
    const name = `checks-${params.server_id}-${fileTime(query.from)}-${fileTime(query.to)}`;
    return exportResponse({ name, format: query.format, columns: CHECK_COLUMNS, rows });
  });
  route("exportMetrics", async ({ caller, params, query }) => {
    const rows = await exportMetrics({
      ctx,
      caller,
      input: { ...params, query: { names: query.names, range: query.range } },
    });
    const name = `metrics-${params.server_id}-${query.names.join("+")}-${query.range}`;
    return exportResponse({ name, format: query.format, columns: METRIC_COLUMNS, rows });
  });
}
