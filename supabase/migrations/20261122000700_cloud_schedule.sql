-- Cloud: pg_cron + pg_net call the `api` function's cron route every 15 seconds (sweep,
-- escalations, dispatch). Where either extension is missing (self-hosted, tests) this is a
-- no-op: custos-server's scheduler runs the same steps.
-- The URL and the secret come from Supabase Vault, never from this file:
--   select vault.create_secret('https://<project>.supabase.co/functions/v1/api/cron/tick', 'custos_tick_url');
--   select vault.create_secret('<same value as the function secret CUSTOS_CRON_SECRET>', 'custos_cron_secret');
do $schedule$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron')
     and exists (select 1 from pg_extension where extname = 'pg_net') then
    perform cron.schedule(
      'custos-tick',
      '15 seconds',
      $job$
        select net.http_post(
          url := (select decrypted_secret from vault.decrypted_secrets where name = 'custos_tick_url'),
          headers := jsonb_build_object(
            'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'custos_cron_secret'),
            'Content-Type', 'application/json'),
          body := '{}'::jsonb,
          timeout_milliseconds := 10000)
        where exists (select 1 from vault.decrypted_secrets where name = 'custos_tick_url')
      $job$
    );
  end if;
end
$schedule$;
