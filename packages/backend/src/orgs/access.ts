import { type OrgRole, roleAtLeast } from "@custos/protocol";
import type { TransactionSql } from "postgres";
import type { Ctx } from "../context.ts";
import { asCaller, type CallerClaims } from "../db/as-caller.ts";
import type { MembershipsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";

const ARTICLE: Record<OrgRole, string> = {
  owner: "an owner",
  admin: "an admin",
  member: "a member",
  viewer: "a viewer",
};

/**
 * The caller's role in the organization, as the caller (memberships' own RLS). Not a member:
 * 404, exactly as for an organization that does not exist, so ids reveal nothing. Below `min`:
 * 403 naming the role needed.
 */
export async function requireOrgRole(tx: TransactionSql, orgId: string, min: OrgRole): Promise<OrgRole> {
  const [row] = await tx<Pick<MembershipsRow, "role">[]>`
    select role from public.memberships where org_id = ${orgId} and user_id = (select auth.uid())`;
  if (!row) throw new AppError("NOT_FOUND", `organization ${orgId} not found`, { field: "org_id" });
  if (!roleAtLeast(row.role, min)) {
    throw new AppError(
      "FORBIDDEN",
      `this needs the ${min} role or higher in this organization; you are ${ARTICLE[row.role]}`,
    );
  }
  return row.role;
}

/**
 * Runs `work` as the caller (RLS applies to every statement) after checking their role. The
 * role check gives a clear 403; the RLS policies stay the guard. A write a policy still refuses
 * (42501) becomes 403 rather than 500.
 */
export async function inOrg<T>(
  ctx: Pick<Ctx, "sql">,
  caller: CallerClaims,
  orgId: string,
  min: OrgRole,
  work: (tx: TransactionSql, role: OrgRole) => Promise<T>,
): Promise<T> {
  try {
    return await asCaller(ctx.sql, caller, async (tx) => work(tx, await requireOrgRole(tx, orgId, min)));
  } catch (error) {
    if ((error as { code?: string }).code === "42501") {
      throw new AppError("FORBIDDEN", "your role in this organization does not allow this");
    }
    throw error;
  }
}

export function iso(value: Date): string {
  return value.toISOString();
}

export function isoOrNull(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

/** A unique-constraint violation (23505) on `constraint`. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint_name?: string };
  return e.code === "23505" && (constraint === undefined || e.constraint_name === constraint);
}
