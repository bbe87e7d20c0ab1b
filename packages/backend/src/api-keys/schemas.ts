import { SafeText } from "@custos/protocol";
import { z } from "zod";

export const ApiKeyScope = z.enum(["agent", "read"]);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const CreateApiKeyInput = z.strictObject({
  org_id: z.uuid(),
  scope: ApiKeyScope,
  name: SafeText.trim().min(1).max(100).default("agent key"),
  created_by: z.uuid().optional(),
  max_servers: z.int().min(1).max(100_000).nullable().default(null),
  enroll_until: z.iso.datetime({ offset: true }).nullable().default(null),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

export const RevokeApiKeyInput = z.strictObject({ key_id: z.uuid(), org_id: z.uuid() });
export type RevokeApiKeyInput = z.input<typeof RevokeApiKeyInput>;

export interface AuthenticatedKey {
  keyId: string;
  orgId: string;
  scope: ApiKeyScope;
  /** How many servers may register with the key (null: any). 1: the key is one server's own. */
  maxServers: number | null;
  /** When the key stops registering new servers (epoch ms; null: never). */
  enrollUntil: number | null;
}
