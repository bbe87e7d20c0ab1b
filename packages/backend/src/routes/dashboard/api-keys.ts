import { createApiKey } from "../../api-keys/create.ts";
import { installCommandFor } from "../../api-keys/install-command.ts";
import { listApiKeys } from "../../api-keys/list.ts";
import { revokeApiKey } from "../../api-keys/revoke.ts";
import type { Ctx } from "../../context.ts";
import type { RegisterRoute } from "./route.ts";

export function apiKeyRoutes(route: RegisterRoute, ctx: Ctx) {
  route("apiKeys", ({ caller, params }) => listApiKeys({ ctx, caller, input: params }));
  route("createApiKey", async ({ caller, params, body, c, inOrg }) => {
    const { key, ...api_key } = await inOrg("member", (sql) =>
      createApiKey({ ctx: { sql }, input: { ...params, ...body, created_by: caller.sub } }),
    );
    return { api_key, key, install_command: installCommandFor(ctx.config, c.req.raw, key) };
  });
  route("revokeApiKey", ({ params, inOrg }) =>
    inOrg("member", (sql) => revokeApiKey({ ctx: { sql, keys: ctx.keys }, input: params })),
  );
}
