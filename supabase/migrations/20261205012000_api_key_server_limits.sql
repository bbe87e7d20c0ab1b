-- Keys for one server and limited fleet keys. `max_servers` caps how many servers may register
-- with a key (null: any number); `enroll_until` ends the time in which it registers NEW servers
-- (servers already registered with it keep working: an expiry that silenced a fleet would page
-- every server at once). A key with max_servers = 1 is a server's own key: it speaks only for the
-- server registered with it, so revoking it stops that server and no other. Both are fixed when
-- the key is created (no update grant): a key is replaced, not widened.
alter table public.api_keys
  add column max_servers integer check (max_servers between 1 and 100000),
  add column enroll_until timestamptz;

-- Registration counts the servers that use a key; the dashboard lists them before a revoke.
create index servers_registered_with_key_idx on public.servers (registered_with_key)
  where registered_with_key is not null;

grant insert (max_servers, enroll_until) on public.api_keys to authenticated;
