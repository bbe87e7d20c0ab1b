-- What the dashboard API needs beyond plain RLS reads: co-members' emails (auth.users is not
-- readable by `authenticated`), which secret settings a channel has (channel_secrets is readable
-- by admins only), and an index for "active incidents of an organization".

-- Members of one organization with their emails, only for a caller who is a member of it.
create function private.org_members(p_org uuid)
returns table (user_id uuid, email text, role public.org_role, joined_at timestamptz)
language sql stable security definer set search_path = '' as $$
  select m.user_id, u.email::text, m.role, m.created_at
  from public.memberships m
  join auth.users u on u.id = m.user_id
  where m.org_id = p_org and p_org in (select private.user_org_ids())
$$;

-- Names of the secret settings each channel has (never values), for members of the organization.
create function private.channel_secret_fields(p_org uuid)
returns table (channel_id uuid, fields text[])
language sql stable security definer set search_path = '' as $$
  select cs.channel_id, array(select jsonb_object_keys(cs.secret) order by 1)
  from public.channel_secrets cs
  where cs.org_id = p_org and p_org in (select private.user_org_ids())
$$;

revoke all on function private.org_members(uuid) from public, anon;
revoke all on function private.channel_secret_fields(uuid) from public, anon;
grant execute on function private.org_members(uuid) to authenticated, service_role;
grant execute on function private.channel_secret_fields(uuid) to authenticated, service_role;

-- Summary, overview and server detail count/list unresolved incidents per organization.
create index incidents_org_active_idx on public.incidents (org_id, opened_at desc) where resolved_at is null;
