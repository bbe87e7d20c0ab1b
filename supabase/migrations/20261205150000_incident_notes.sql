-- Notes on an incident: members write what they found and did, shown in the incident's timeline
-- among the engine's events (opened, notified, acknowledged, resolved). Plain text: the dashboard
-- shows it as written, never as markdown or HTML.
-- Decision record: docs/decisions/0039-incident-notes-and-exports.md.

create table public.incident_notes (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  incident_id uuid not null,
  -- null once the author's account is gone; the note stays with the incident
  author_id uuid references auth.users (id) on delete set null,
  -- the API allows 2000 (UTF-16 units, so never more code points); this is the last line of defence
  body text not null check (char_length(body) between 1 and 2000),
  created_at timestamptz not null default now(),
  -- an incident of the same organization only (decision 0018)
  constraint incident_notes_incident_id_fkey foreign key (org_id, incident_id)
    references public.incidents (org_id, id) on delete cascade
);
-- the timeline reads one incident's notes in order; RLS filters on org_id
create index incident_notes_incident_idx on public.incident_notes (incident_id, created_at);
create index incident_notes_org_id_idx on public.incident_notes (org_id);

alter table public.incident_notes enable row level security;

create policy "members read incident notes" on public.incident_notes
  for select to authenticated using (org_id in (select private.user_org_ids()));
-- Viewers read; members and up write (as for acknowledging).
create policy "members add incident notes" on public.incident_notes
  for insert to authenticated
  with check (org_id in (select private.user_org_ids_with_role('member')));
-- A note is written by the caller, never in another user's name.
create policy "incident notes are written by the caller" on public.incident_notes
  as restrictive for insert to authenticated
  with check (author_id = (select auth.uid()));
-- The author (still a member) removes their own note; admins remove any.
create policy "authors and admins delete incident notes" on public.incident_notes
  for delete to authenticated
  using (
    org_id in (select private.user_org_ids_with_role('admin'))
    or (author_id = (select auth.uid()) and org_id in (select private.user_org_ids_with_role('member')))
  );

-- No update: a note is corrected by deleting it and writing another, so the timeline never
-- changes under a reader without a trace.
grant select, insert (org_id, incident_id, author_id, body), delete on public.incident_notes to authenticated;
