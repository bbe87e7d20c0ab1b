import type { Ctx } from "../../context.ts";
import { createStatusPage } from "../../status-pages/create.ts";
import { deleteStatusPage } from "../../status-pages/delete.ts";
import { listStatusPages } from "../../status-pages/list.ts";
import { getPublicStatusPage } from "../../status-pages/public.ts";
import { updateStatusPage } from "../../status-pages/update.ts";
import type { RegisterRoute } from "./route.ts";

export function statusPageRoutes(route: RegisterRoute, ctx: Ctx) {
  route("statusPages", ({ caller, params }) => listStatusPages({ ctx, caller, input: params }));
  route("createStatusPage", ({ caller, params, body }) =>
    createStatusPage({ ctx, caller, input: { ...params, page: body } }),
  );
  route("updateStatusPage", ({ caller, params, body }) =>
    updateStatusPage({ ctx, caller, input: { ...params, changes: body } }),
  );
  route("deleteStatusPage", ({ caller, params }) => deleteStatusPage({ ctx, caller, input: params }));
}

/** GET /v1/status/:slug — no auth; short public caching keeps a popular page cheap. */
export function publicStatusRoutes(route: RegisterRoute, ctx: Ctx) {
  route("publicStatusPage", async ({ params, c }) => {
    const page = await getPublicStatusPage({ ctx, input: params });
    c.header("Cache-Control", "public, max-age=30");
    return page;
  });
}
