import { CreateApiKeyRequest } from "@custos/protocol";
import type { Hono } from "hono";
import { createApiKeyByUser } from "../../api-keys/create-by-user.ts";
import { installFilesUrl, publicBaseUrl } from "../../api-keys/install-command.ts";
import { listApiKeys } from "../../api-keys/list.ts";
import { revokeApiKeyByUser } from "../../api-keys/revoke-by-user.ts";
import type { Ctx } from "../../context.ts";
import { type DashboardEnv, optionalBodyOf, pathIds } from "./http.ts";

export function apiKeyRoutes(app: Hono<DashboardEnv>, ctx: Ctx) {
  app.get("/orgs/:org_id/api-keys", async (c) => {
    const input = pathIds(c, "org_id");
    return c.json(await listApiKeys({ ctx, caller: c.get("caller"), input }));
  });

  app.post("/orgs/:org_id/api-keys", async (c) => {
    const { org_id } = pathIds(c, "org_id");
    const key = await optionalBodyOf(c, CreateApiKeyRequest);
    // agents talk to the API, which in the cloud is not where the dashboard is hosted; install.sh
    // and the binaries are, there (published with it)
    const base_url = publicBaseUrl(ctx.config.agentUrl ?? ctx.config.dashboardUrl, c.req.raw);
    const files_url = installFilesUrl(ctx.config);
    const input = { org_id, key, base_url, ...(files_url ? { files_url } : {}) };
    return c.json(await createApiKeyByUser({ ctx, caller: c.get("caller"), input }), 201);
  });

  app.post("/orgs/:org_id/api-keys/:key_id/revoke", async (c) => {
    const input = pathIds(c, "org_id", "key_id");
    return c.json(await revokeApiKeyByUser({ ctx, caller: c.get("caller"), input }));
  });
}
