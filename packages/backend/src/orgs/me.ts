import type { Me } from "@custos/protocol";
import type { Ctx } from "../context.ts";
import { asCaller, type CallerClaims } from "../db/as-caller.ts";
import type { MembershipsRow, OrganizationsRow } from "../db/rows.ts";

/** The signed-in user and their organizations (as the caller: only their memberships). */
export async function getMe({ ctx, caller }: { ctx: Pick<Ctx, "sql">; caller: CallerClaims }): Promise<Me> {
  const orgs = await asCaller(
    ctx.sql,
    caller,
    (tx) =>
      tx<(Pick<OrganizationsRow, "id" | "name"> & Pick<MembershipsRow, "role">)[]>`
      select o.id, o.name, m.role
      from public.memberships m join public.organizations o on o.id = m.org_id
      where m.user_id = (select auth.uid())
      order by o.created_at, o.id`,
  );
  return {
    user: { id: caller.sub, email: typeof caller.email === "string" ? caller.email : null },
    orgs: orgs.map((o) => ({ id: o.id, name: o.name, role: o.role })),
  };
}
