-- A revoked API key stays revoked.
--
-- Members revoke keys as the caller (update of revoked_at, 20261205000400). Without this, the same
-- grant would let a member write revoked_at = null through the Data API and bring back a key an
-- admin revoked because it leaked. Revoking again keeps the first time (the verb's coalesce).
create function private.keep_api_key_revoked() returns trigger
language plpgsql set search_path = '' as $$
begin
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception 'API key % was revoked at %; a revoked key cannot be restored', old.id, old.revoked_at
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

revoke all on function private.keep_api_key_revoked() from public, anon, authenticated;

create trigger api_keys_revocation_is_final
  before update of revoked_at on public.api_keys
  for each row execute function private.keep_api_key_revoked();
