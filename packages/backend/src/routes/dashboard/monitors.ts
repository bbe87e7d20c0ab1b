import type { Ctx } from "../../context.ts";
import { getResponseTimes, listMonitorResults } from "../../monitors/history.ts";
import { getMonitorPage } from "../../monitors/page.ts";
import type { RegisterRoute } from "./route.ts";

/** A probe's or an agent monitor's page, its response times and its result history. */
export function monitorRoutes(route: RegisterRoute, ctx: Ctx) {
  route("monitor", ({ caller, params }) => getMonitorPage({ ctx, caller, input: params }));
  route("monitorResponseTimes", ({ caller, params, query }) =>
    getResponseTimes({ ctx, caller, input: { ...params, query } }),
  );
  route("monitorResults", ({ caller, params, query }) =>
    listMonitorResults({ ctx, caller, input: { ...params, query } }),
  );
}
