/**
 * The roles of a member of an organization, strongest first: owner > admin > member > viewer.
 * Viewers read; members also create keys, probes, maintenance windows and acknowledge incidents;
 * admins manage servers, channels, rules, members, settings. The SQL enum public.org_role has the
 * same order (RLS compares `role <= min_role`). Plain values, no zod, so the browser bundle stays
 * small.
 */
export const ORG_ROLES = ["owner", "admin", "member", "viewer"] as const;
export type OrgRoleName = (typeof ORG_ROLES)[number];

/** May a member with `role` do what needs `needed` (the same role or a stronger one)? */
export function roleAtLeast(role: OrgRoleName, needed: OrgRoleName): boolean {
  return ORG_ROLES.indexOf(role) <= ORG_ROLES.indexOf(needed);
}
