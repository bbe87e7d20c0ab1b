import { CreateOrgRequest, type OrgSettings } from "@custos/protocol";
import type { z } from "zod";
import type { Ctx } from "../context.ts";
import { asCaller, type CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { createOrganization } from "./create.ts";
import { readOrgSettings } from "./settings.ts";

export const CreateOrganizationForUserInput = CreateOrgRequest;
export type CreateOrganizationForUserInput = z.input<typeof CreateOrganizationForUserInput>;

/** How many organizations one user may own (abuse guard on a shared cloud). */
export const MAX_OWNED_ORGS = 20;

/**
 * Creates an organization owned by the caller. Service access, deliberately: no policy lets a
 * user insert an organization and its first (owner) membership — any signed-in user may create
 * one, and the membership row is what grants access to it, so it is written here with the
 * caller's verified id, never one from the request. Reading it back runs as the caller.
 */
export async function createOrganizationForUser({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: CreateOrganizationForUserInput;
}): Promise<OrgSettings> {
  const data = parseInput(CreateOrganizationForUserInput, input);
  const [owned] = await ctx.sql<{ n: number }[]>`
    select count(*)::int as n from public.memberships where user_id = ${caller.sub} and role = 'owner'`;
  if ((owned?.n ?? 0) >= MAX_OWNED_ORGS) {
    throw new AppError(
      "FORBIDDEN",
      `you already own ${MAX_OWNED_ORGS} organizations, the most one user may own`,
    );
  }
  let id: string;
  try {
    ({ id } = await createOrganization({ ctx, input: { name: data.name, owner_user_id: caller.sub } }));
  } catch (error) {
    // memberships.user_id references auth.users: a token for a user that no longer exists
    if ((error as { code?: string }).code === "23503") {
      throw new AppError("UNAUTHORIZED", "the signed-in user no longer exists", { field: "authorization" });
    }
    throw error;
  }
  return asCaller(ctx.sql, caller, (tx) => readOrgSettings(tx, id, "owner"));
}
