import type { Ctx } from "../../context.ts";
import { listMetricNames } from "../../metrics/names.ts";
import { getServerMetrics } from "../../metrics/series.ts";
import { approveServer } from "../../servers/approve.ts";
import { deleteServer } from "../../servers/delete.ts";
import { getServerDetail } from "../../servers/detail.ts";
import { listServers } from "../../servers/overview.ts";
import { updateServer } from "../../servers/update.ts";
import type { RegisterRoute } from "./route.ts";

export function serverRoutes(route: RegisterRoute, ctx: Ctx) {
  route("servers", ({ caller, params, query }) => listServers({ ctx, caller, input: { ...params, query } }));
  route("server", ({ caller, params }) => getServerDetail({ ctx, caller, input: params }));
  route("updateServer", ({ caller, params, body }) =>
    updateServer({ ctx, caller, input: { ...params, changes: body } }),
  );
  route("approveServer", ({ params, inOrg }) =>
    inOrg("admin", (sql) => approveServer({ ctx: { sql }, input: params })),
  );
  route("deleteServer", ({ caller, params }) => deleteServer({ ctx, caller, input: params }));
  route("metrics", ({ caller, params, query }) =>
    getServerMetrics({ ctx, caller, input: { ...params, query } }),
  );
  route("metricNames", ({ caller, params }) => listMetricNames({ ctx, caller, input: params }));
}
