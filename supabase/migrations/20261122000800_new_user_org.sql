-- Every new user gets a personal organization they own, however the user was created: by
-- Supabase Auth in the cloud or by custos-server's /auth/v1/signup self-hosted. This is the usual
-- Supabase pattern (a trigger on auth.users), so both modes behave the same.
-- The function is security definer (the inserting role, e.g. supabase_auth_admin, needs no
-- rights on public.*), has an empty search_path (nothing can be shadowed), and lives in
-- `private`, which the API does not expose.

create function private.create_personal_organization() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  local_part text := nullif(split_part(coalesce(new.email, ''), '@', 1), '');
  org_id uuid;
begin
  if new.is_anonymous then
    return new;
  end if;
  insert into public.organizations (name)
  values (
    case
      when local_part is null then 'My organization'
      else left(local_part, 150) || '''s organization'
    end
  )
  returning id into org_id;
  insert into public.memberships (org_id, user_id, role) values (org_id, new.id, 'owner');
  return new;
end
$$;

-- a trigger function cannot be called directly anyway; keep it off every API role regardless
revoke all on function private.create_personal_organization() from public, anon, authenticated;

create trigger on_auth_user_created_create_personal_organization
  after insert on auth.users
  for each row execute function private.create_personal_organization();
