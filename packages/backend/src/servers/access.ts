import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";

/**
 * The server must belong to the key's organization and be approved before its data is taken.
 * Approved servers are remembered (approval is not withdrawn; a deleted server surfaces as a
 * foreign-key error at insert and is answered 404). Pending ones are looked up every time, so
 * approval takes effect on the next request.
 */
export async function requireApprovedServer(
  ctx: Pick<Ctx, "sql" | "approvedServers">,
  orgId: string,
  serverId: string,
): Promise<void> {
  const approved = ctx.approvedServers;
  if (approved.get(serverId) === orgId) return;
  const rows = await ctx.sql<{ approval: "pending" | "approved" }[]>`
    select approval from public.servers where id = ${serverId} and org_id = ${orgId}`;
  const row = rows[0];
  if (!row)
    throw new AppError("NOT_FOUND", `server ${serverId} is not registered with this organization`, {
      field: "server_id",
    });
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
  approved.set(serverId, orgId);
}
