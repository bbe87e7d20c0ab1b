import { ServerTagsRequest, type ServerTagsResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const PutTagsInput = z.strictObject({
  org_id: z.uuid(),
  server_id: z.uuid(),
  tags: ServerTagsRequest,
});
export type PutTagsInput = z.input<typeof PutTagsInput>;

/** An admin sets a server's tags: which tag entries of the central configuration apply to it. */
export async function putServerTags({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: PutTagsInput;
}): Promise<ServerTagsResponse> {
  const { org_id, server_id, tags } = parseInput(PutTagsInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const sorted = [...tags.tags].sort();
    const [row] = await tx<{ tags: string[] }[]>`
      update public.servers set tags = ${sorted} where id = ${server_id} and org_id = ${org_id}
      returning tags`;
    if (!row) throw new AppError("NOT_FOUND", `server ${server_id} not found`, { field: "server_id" });
    return { server_id, tags: row.tags };
  });
}
