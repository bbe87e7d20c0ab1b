import type { Me, OrgRole } from "@custos/protocol";
import type { Ctx } from "../context.ts";
import { asCaller, type CallerClaims } from "../db/as-caller.ts";

/** The signed-in user and their organizations (as the caller: only their memberships). */
export async function getMe({ ctx, caller }: { ctx: Pick<Ctx, "sql">; caller: CallerClaims }): Promise<Me> {
  const orgs = await asCaller(
    ctx.sql,
    caller,
    (tx) =>
      tx<{ id: string; name: string; role: OrgRole }[]>`
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
