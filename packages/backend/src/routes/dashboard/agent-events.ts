import { listAgentEvents } from "../../agent-events/list.ts";
import type { Ctx } from "../../context.ts";
import { EVENT_COLUMNS, exportAgentEvents } from "../../exports/events.ts";
import { exportResponse, fileTime } from "../../exports/response.ts";
import type { RegisterRoute } from "./route.ts";

/** The outage log (decision 0044): the organization's and a server's events, and the CSV/JSON file. */
export function agentEventRoutes(route: RegisterRoute, ctx: Ctx) {
  route("orgEvents", ({ caller, params, query }) =>
    listAgentEvents({ ctx, caller, input: { ...params, query } }),
  );
  route("serverEvents", ({ caller, params, query }) =>
    listAgentEvents({ ctx, caller, input: { ...params, query } }),
  );
  route("exportEvents", async ({ caller, params, query }) => {
    const rows = await exportAgentEvents({ ctx, caller, input: { ...params, query } });
    const scope = query.server_id ? `-${query.server_id}` : "";
    const name = `outages${scope}-${fileTime(query.from)}-${fileTime(query.to)}`;
    return exportResponse({ name, format: query.format, columns: EVENT_COLUMNS, rows });
  });
}
