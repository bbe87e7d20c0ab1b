-- The billing hook's memory (issue 16, docs/plans.md): every event applied, by the provider's
-- event id, so a webhook delivered twice (providers retry until they see a 2xx) changes the plan
-- once. Private: only the service (the route, with service access) reads or writes it.
create table private.billing_events (
  event_id text primary key check (length(event_id) between 1 and 200),
  org_id uuid not null,
  plan_id text not null,
  -- the plan the organization had before this event (what an operator reverts to)
  previous_plan_id text,
  received_at timestamptz not null default now()
);
create index billing_events_org_idx on private.billing_events (org_id, received_at desc);
revoke all on private.billing_events from public, anon, authenticated;
