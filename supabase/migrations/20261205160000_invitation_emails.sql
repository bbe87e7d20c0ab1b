-- Invitation emails (decision 0041). Where the backend can send email, inviting someone queues an
-- email with the accept link; a periodic job (members/send-invitation-emails.ts) sends it, retries
-- it, and records how it went on the invitation, where the admins' member list reads it.
--
-- The link carries the one-time token, of which only the hash is stored (token_hash). To send it
-- after the API has answered, the token is kept until the email is sent or given up, in a private
-- table no role but the service's can read (no Data API, no policy), and deleted then.

create type public.invitation_email_status as enum ('pending', 'sending', 'sent', 'failed');

-- null: no email was sent (none is configured here): the admin shares the link by hand
alter table public.invitations
  add column email_status public.invitation_email_status,
  add column email_attempts integer not null default 0,
  add column email_next_attempt_at timestamptz,
  add column email_claimed_at timestamptz,
  add column email_error text check (length(email_error) <= 500),
  add column email_sent_at timestamptz;
create index invitations_email_due on public.invitations (email_next_attempt_at) where email_status = 'pending';

create table private.invitation_email_tokens (
  invitation_id uuid primary key references public.invitations (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  token text not null check (length(token) between 10 and 200),
  created_at timestamptz not null default now()
);
create index invitation_email_tokens_org_id_idx on private.invitation_email_tokens (org_id);
-- RLS on, no policy: only the service (the sending job) reads or writes it
alter table private.invitation_email_tokens enable row level security;
revoke all on private.invitation_email_tokens from public, anon, authenticated;

-- The inviter queues the email in the transaction that creates the invitation, as the caller:
-- `authenticated` may not write the email columns nor the private table, so this definer function
-- does, for whoever presents the invitation's token (only its creator has it, once).
create function private.queue_invitation_email(p_invitation_id uuid, p_token text)
returns boolean
language plpgsql security definer set search_path = '' as $$
declare
  inv_org uuid;
begin
  update public.invitations i
     set email_status = 'pending', email_next_attempt_at = now(), email_attempts = 0, email_error = null
   where i.id = p_invitation_id
     and i.token_hash = pg_catalog.sha256(pg_catalog.convert_to(p_token, 'UTF8'))
     and i.email_status is null and i.accepted_at is null
  returning i.org_id into inv_org;
  if not found then
    return false;
  end if;
  insert into private.invitation_email_tokens (invitation_id, org_id, token)
  values (p_invitation_id, inv_org, p_token);
  return true;
end
$$;

revoke all on function private.queue_invitation_email(uuid, text) from public, anon;
grant execute on function private.queue_invitation_email(uuid, text) to authenticated, service_role;
