import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import type { ServersRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";

/** What requireApprovedServer remembers of an approved server. */
export interface ApprovedServer {
  orgId: string;
  /** The key the server registered with last (a server's own key speaks only for it). */
  keyId: string | null;
}

/**
 * The server must belong to the key's organization and be approved before its data is taken,
 * and a server's own key (max_servers = 1) speaks only for the server registered with it.
 * Approved servers are remembered (approval is not withdrawn; a deleted server surfaces as a
 * foreign-key error at insert and is answered 404). Pending ones are looked up every time, so
 * approval takes effect on the next request.
 */
export async function requireApprovedServer(
  ctx: Pick<Ctx, "sql" | "approvedServers">,
  auth: AuthenticatedKey,
  serverId: string,
): Promise<void> {
  const approved = ctx.approvedServers;
  const known = approved.get(serverId);
  if (known?.orgId === auth.orgId && (!isServerOwnKey(auth) || known.keyId === auth.keyId)) return;
  const rows = await ctx.sql<Pick<ServersRow, "approval" | "registered_with_key">[]>`
    select approval, registered_with_key from public.servers where id = ${serverId} and org_id = ${auth.orgId}`;
  const row = rows[0];
  if (!row)
    throw new AppError("NOT_FOUND", `server ${serverId} is not registered with this organization`, {
      field: "server_id",
    });
  const misuse = keyMisuse(auth, serverId, row.registered_with_key);
  if (misuse) throw misuse;
  if (row.approval !== "approved") {
    throw new AppError(
      "PENDING_APPROVAL",
      "this server is waiting for approval in the dashboard; its data is refused until then",
      {
        field: "server_id",
      },
    );
  }
  if (approved.size > 100_000) approved.clear();
  approved.set(serverId, { orgId: auth.orgId, keyId: row.registered_with_key });
}

/** A key made for one server (max_servers = 1). */
export function isServerOwnKey(auth: AuthenticatedKey): boolean {
  return auth.maxServers === 1;
}

/** The 403 for a server's own key used for another server (a copied key, a cloned disk). */
export function keyMisuse(
  auth: AuthenticatedKey,
  serverId: string,
  registeredWithKey: string | null,
): AppError | undefined {
  if (!isServerOwnKey(auth) || registeredWithKey === auth.keyId) return undefined;
  return new AppError(
    "FORBIDDEN",
    `this API key is another server's own key and cannot send for server ${serverId}; install this server with its own key or a fleet key`,
    { field: "authorization" },
  );
}
