import { createApiKeyByUser } from "../../api-keys/create-by-user.ts";
import { installFilesUrl, publicBaseUrl } from "../../api-keys/install-command.ts";
import { listApiKeys } from "../../api-keys/list.ts";
import { revokeApiKeyByUser } from "../../api-keys/revoke-by-user.ts";
import type { Ctx } from "../../context.ts";
import type { RegisterRoute } from "./route.ts";

export function apiKeyRoutes(route: RegisterRoute, ctx: Ctx) {
  route("apiKeys", ({ caller, params }) => listApiKeys({ ctx, caller, input: params }));
  route("createApiKey", ({ caller, params, body, c }) => {
    // agents talk to the API, which in the cloud is not where the dashboard is hosted; install.sh
    // and the binaries are, there (published with it)
    const base_url = publicBaseUrl(ctx.config.agentUrl ?? ctx.config.dashboardUrl, c.req.raw);
    const files_url = installFilesUrl(ctx.config);
    const input = { ...params, key: body, base_url, ...(files_url ? { files_url } : {}) };
    return createApiKeyByUser({ ctx, caller, input });
  });
  route("revokeApiKey", ({ caller, params }) => revokeApiKeyByUser({ ctx, caller, input: params }));
}
