-- What a server's agent could not deliver, kept by the backend (issue 12).
--
-- The agent's heartbeat reports, since its last acknowledged heartbeat, `dropped_samples` (samples
-- and check results its buffer caps dropped) and `rejected_items` (items of batches the backend
-- refused for good, set aside by the agent: decision 0020). Before, the backend ignored both, so
-- data loss was visible only with `custos-agent status` on the host. Now the heartbeat adds them
-- here, in its one update, and the server's page shows the totals.
--   * dropped_samples_total, rejected_items_total: sums since the server registered. Agents older
--     than `rejected_items` report both in `dropped_samples`; their refused items count as dropped.
--   * data_loss_reported_at: the backend's clock at the last heartbeat that reported any loss.
alter table public.servers
  add column dropped_samples_total bigint not null default 0 check (dropped_samples_total >= 0),
  add column rejected_items_total bigint not null default 0 check (rejected_items_total >= 0),
  add column data_loss_reported_at timestamptz;

-- Engine-written: only the heartbeat (service access) sets them. `authenticated` reads them with
-- the table-wide select of 20261205000400_data_api_grants.sql (RLS filters the rows); its update
-- on public.servers is granted per column and names none of these, so it cannot write them.
