import { CreateApiKeyRequest, type CreatedApiKey } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, txSql } from "../orgs/access.ts";
import { createApiKey } from "./create.ts";
import { installCommand } from "./install-command.ts";
import { selectApiKeys } from "./view.ts";

export const CreateApiKeyByUserInput = z.strictObject({
  org_id: z.uuid(),
  key: CreateApiKeyRequest,
  /** where the agent will reach this deployment (for the install command) */
  base_url: z.url({ protocol: /^https?$/ }),
  /** where install.sh and the binaries are served when not at base_url (the cloud's static host) */
  files_url: z.url({ protocol: /^https?$/ }).optional(),
});
export type CreateApiKeyByUserInput = z.input<typeof CreateApiKeyByUserInput>;

/**
 * A member (or above) creates a key. Inserted as the caller: the policy "members and up create
 * api keys" allows exactly that, and the caller only ever writes the hash of a key generated
 * here, so no elevated rights are needed. The full key is returned this once.
 */
export async function createApiKeyByUser({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: CreateApiKeyByUserInput;
}): Promise<CreatedApiKey> {
  const { org_id, key, base_url, files_url } = parseInput(CreateApiKeyByUserInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    const created = await createApiKey({
      ctx: { sql: txSql(tx) },
      input: {
        org_id,
        scope: key.scope,
        name: key.name,
        created_by: caller.sub,
        max_servers: key.max_servers,
        enroll_until: key.enroll_until,
      },
    });
    const [item] = await selectApiKeys(tx, org_id, tx`and k.id = ${created.id}`);
    return {
      api_key: item as NonNullable<typeof item>,
      key: created.key,
      install_command: installCommand(base_url, created.key, { filesUrl: files_url }),
    };
  });
}
