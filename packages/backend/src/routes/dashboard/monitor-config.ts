import type { Ctx } from "../../context.ts";
import { listMonitorConfig } from "../../monitor-config/list.ts";
import { putMonitorConfig } from "../../monitor-config/put.ts";
import { serverMonitorConfig } from "../../monitor-config/server-view.ts";
import { putServerTags } from "../../monitor-config/tags.ts";
import { createMonitorTest } from "../../monitor-tests/create.ts";
import { viewMonitorTest } from "../../monitor-tests/view.ts";
import type { RegisterRoute } from "./route.ts";

export function monitorConfigRoutes(route: RegisterRoute, ctx: Ctx) {
  route("monitorConfig", ({ caller, params }) => listMonitorConfig({ ctx, caller, input: params }));
  route("putMonitorConfig", ({ caller, params, body }) =>
    putMonitorConfig({ ctx, caller, input: { ...params, entry: body } }),
  );
  route("serverMonitorConfig", ({ caller, params }) => serverMonitorConfig({ ctx, caller, input: params }));
  route("putServerTags", ({ caller, params, body }) =>
    putServerTags({ ctx, caller, input: { ...params, tags: body } }),
  );
  // testing a monitor on one server's agent before saving it (decision 0045)
  route("createMonitorTest", ({ caller, params, body }) =>
    createMonitorTest({ ctx, caller, input: { ...params, ...body } }),
  );
  route("monitorTest", ({ caller, params }) => viewMonitorTest({ ctx, caller, input: params }));
}
