import { type ServerInfo, UpdateServerRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { readServer, toServerInfo } from "./view.ts";

export const UpdateServerInput = z.strictObject({
  org_id: z.uuid(),
  server_id: z.uuid(),
  changes: UpdateServerRequest,
});
export type UpdateServerInput = z.input<typeof UpdateServerInput>;

/** Admins rename a server, change its heartbeat timeout or the endpoint probed when it goes silent. */
export async function updateServer({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: UpdateServerInput;
}): Promise<ServerInfo> {
  const { org_id, server_id, changes } = parseInput(UpdateServerInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const server = await readServer(tx, org_id, server_id);
    const timeout = changes.heartbeat_timeout_seconds;
    const minimum = 2 * (server.heartbeat_interval_seconds ?? 0);
    if (typeof timeout === "number" && timeout < minimum) {
      throw new AppError(
        "VALIDATION",
        `must be at least ${minimum} s: twice this agent's heartbeat interval (${server.heartbeat_interval_seconds} s), so one late heartbeat does not page`,
        { field: "heartbeat_timeout_seconds" },
      );
    }
    const endpointGiven = changes.public_endpoint !== undefined;
    const timeoutGiven = timeout !== undefined;
    // the timeout in force is derived from this override (null: the org's default) by a trigger
    await tx`
      update public.servers set
        name = coalesce(${changes.name ?? null}, name),
        heartbeat_timeout_override_seconds = case when ${timeoutGiven} then ${timeout ?? null}::int
                                                  else heartbeat_timeout_override_seconds end,
        public_endpoint = case when ${endpointGiven} then ${changes.public_endpoint ?? null} else public_endpoint end,
        updated_at = now()
      where id = ${server_id} and org_id = ${org_id}`;
    return toServerInfo(await readServer(tx, org_id, server_id));
  });
}
