import { ConfigRequest, type EffectiveConfig } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { requireAgentServer } from "./agent-server.ts";
import { serverConfig } from "./effective.ts";

/** POST /agent/config: the calling server's effective document, as its agent applies it. */
export async function fetchAgentConfig({
  ctx,
  auth,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  auth: AuthenticatedKey;
  input: ConfigRequest;
}): Promise<EffectiveConfig> {
  const { server_id } = parseInput(ConfigRequest, input);
  await requireAgentServer(ctx, auth, server_id);
  const config = await serverConfig(ctx.sql, auth.orgId, server_id);
  if (!config) throw new AppError("NOT_FOUND", `server ${server_id} is gone`, { field: "server_id" });
  return {
    version: config.version,
    monitors: config.monitors.map((m) => m.monitor),
    thresholds: config.thresholds.map((t) => t.threshold),
  };
}
