import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import type { ServersRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { keyMisuse } from "../servers/access.ts";

/**
 * The server an agent request names must be in the key's organization, and a server's own key
 * speaks only for its server (as for the other agent routes). Pending servers may fetch their
 * configuration: it decides nothing about whether their data is taken.
 */
export async function requireAgentServer(
  ctx: Pick<Ctx, "sql">,
  auth: AuthenticatedKey,
  serverId: string,
): Promise<void> {
  const [row] = await ctx.sql<Pick<ServersRow, "registered_with_key">[]>`
    select registered_with_key from public.servers where id = ${serverId} and org_id = ${auth.orgId}`;
  if (!row) {
    throw new AppError("NOT_FOUND", `server ${serverId} is not registered with this organization`, {
      field: "server_id",
    });
  }
  const misuse = keyMisuse(auth, serverId, row.registered_with_key);
  if (misuse) throw misuse;
}
