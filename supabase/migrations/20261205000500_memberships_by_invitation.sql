-- Who may create a membership, and who may be named as the author of a row.
--
-- "admins manage memberships" was `for all`: an admin could insert a membership for any user id
-- (adding a stranger to the organization without their consent) and an admin could make
-- themselves owner. Now a membership is created only
--   * with its organization (service access, or the new-user trigger), or
--   * by private.accept_invitation(token): the invitee, as themselves, with the token.
-- The previous migration already took INSERT on memberships from `authenticated`; the policy
-- below says the same in RLS, and owner rows are for owners only.
-- Decision record: docs/decisions/0018-tenancy-in-the-schema.md.

drop policy "admins manage memberships" on public.memberships;
create policy "admins change roles" on public.memberships
  for update to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  with check (org_id in (select private.user_org_ids_with_role('admin')));
create policy "admins remove members" on public.memberships
  for delete to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')));
-- Only an owner grants, takes or removes the owner role (the verb says the same with a clear 403;
-- this keeps an admin from promoting themselves through the Data API).
create policy "owners alone change owner rows" on public.memberships
  as restrictive for update to authenticated
  using (role <> 'owner' or org_id in (select private.user_org_ids_with_role('owner')))
  with check (role <> 'owner' or org_id in (select private.user_org_ids_with_role('owner')));
create policy "owners alone remove owners" on public.memberships
  as restrictive for delete to authenticated
  using (role <> 'owner' or org_id in (select private.user_org_ids_with_role('owner')));

-- Author columns reference auth.users, which has no organization: the rule there is that a user
-- writing as themselves can only name themselves (the dashboard's verbs pass the verified caller).
create policy "invitations are sent by the caller" on public.invitations
  as restrictive for insert to authenticated
  with check (invited_by = (select auth.uid()));
create policy "api keys are created by the caller" on public.api_keys
  as restrictive for insert to authenticated
  with check (created_by = (select auth.uid()));
create policy "maintenance is scheduled by the caller" on public.maintenance_windows
  as restrictive for insert to authenticated
  with check (created_by = (select auth.uid()));

-- The signed-in invitee accepts: the token (256 random bits, stored as SHA-256) AND the caller's
-- own email in auth.users matching the invited address, so a forwarded or leaked link does not let
-- another account join. The membership is written for auth.uid() only; an existing member keeps
-- the higher role. Outcomes other than 'accepted' write nothing; the caller maps them to errors.
create function private.accept_invitation(p_token text)
returns table (outcome text, org_id uuid, org_name text, role public.org_role)
language plpgsql security definer set search_path = '' as $$
-- the output columns (org_id, role) share names with memberships' columns: names mean columns
#variable_conflict use_column
declare
  me uuid := (select auth.uid());
  inv record;
  my_email text;
begin
  select i.id, i.org_id, o.name as org_name, i.email, i.role, i.accepted_at, i.expires_at < now() as expired
    into inv
    from public.invitations i join public.organizations o on o.id = i.org_id
   where i.token_hash = pg_catalog.sha256(pg_catalog.convert_to(p_token, 'UTF8'))
   for update of i;
  if not found then
    return query select 'not_found', null::uuid, null::text, null::public.org_role;
    return;
  end if;
  if inv.accepted_at is not null then
    return query select 'already_accepted', null::uuid, null::text, null::public.org_role;
    return;
  end if;
  if inv.expired then
    return query select 'expired', null::uuid, null::text, null::public.org_role;
    return;
  end if;
  select u.email into my_email from auth.users u where u.id = me;
  if not found then
    return query select 'no_user', null::uuid, null::text, null::public.org_role;
    return;
  end if;
  if lower(coalesce(my_email, '')) <> lower(inv.email) then
    return query select 'wrong_email', null::uuid, null::text, null::public.org_role;
    return;
  end if;
  return query
    insert into public.memberships as m (org_id, user_id, role) values (inv.org_id, me, inv.role)
    on conflict (org_id, user_id) do update set role = least(m.role, excluded.role)
    returning 'accepted'::text, m.org_id, inv.org_name::text, m.role;
  update public.invitations set accepted_at = now() where id = inv.id;
end
$$;

revoke all on function private.accept_invitation(text) from public, anon;
grant execute on function private.accept_invitation(text) to authenticated, service_role;
