import { CreateStatusPageRequest, UpdateStatusPageRequest } from "@custos/protocol";
import type { Hono } from "hono";
import type { Ctx } from "../../context.ts";
import { createStatusPage } from "../../status-pages/create.ts";
import { deleteStatusPage } from "../../status-pages/delete.ts";
import { listStatusPages } from "../../status-pages/list.ts";
import { getPublicStatusPage } from "../../status-pages/public.ts";
import { updateStatusPage } from "../../status-pages/update.ts";
import { bodyOf, type DashboardEnv, pathIds } from "./http.ts";

export function statusPageRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/status-pages", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await listStatusPages({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/status-pages", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const page = await bodyOf(c, CreateStatusPageRequest);
    return c.json(await createStatusPage({ ctx, caller: c.get("caller"), input: { org_id, page } }), 201);
  });

  app.patch("/orgs/:org_id/status-pages/:page_id", async (c) => {
    const ids = pathIds(c, "org_id", "page_id");
    const changes = await bodyOf(c, UpdateStatusPageRequest);
    return c.json(await updateStatusPage({ ctx, caller: c.get("caller"), input: { ...ids, changes } }));
  });

  app.delete("/orgs/:org_id/status-pages/:page_id", async (c) => {
    const input = pathIds(c, "org_id", "page_id");
    return c.json(await deleteStatusPage({ ctx, caller: c.get("caller"), input }));
  });
}

/** GET /v1/status/:slug — no auth; short public caching keeps a popular page cheap. */
export function publicStatusRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/status/:slug", async (c) => {
    const page = await getPublicStatusPage({ ctx, input: { slug: c.req.param("slug") } });
    c.header("Cache-Control", "public, max-age=30");
    return c.json(page);
  });
}
