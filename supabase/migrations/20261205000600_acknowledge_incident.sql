-- Acknowledging an incident without write access to incidents.
--
-- Incidents are the engine's rows (subject key, status, timestamps, flapping, who resolved):
-- `authenticated` has no UPDATE on them any more (20261205000400), and the old policy "members
-- acknowledge and resolve incidents" let a member rewrite any column of their organization's
-- incidents, e.g. reopen one or change its subject_key so the engine opened a duplicate. A
-- member acknowledges through this function instead, which changes exactly the three
-- acknowledgement columns, records the caller (never an id passed in) and checks the caller's
-- role in the incident's own organization.

drop policy "members acknowledge and resolve incidents" on public.incidents;

-- true: acknowledged now. false: not visible to the caller with at least the member role, or
-- not open (already acknowledged or resolved); the caller reads the status to say which.
create function private.acknowledge_incident(p_incident uuid) returns boolean
language plpgsql security definer set search_path = '' as $$
begin
  update public.incidents
     set status = 'acknowledged', acknowledged_at = now(), acknowledged_by = (select auth.uid())
   where id = p_incident and status = 'open'
     and org_id in (select private.user_org_ids_with_role('member'));
  return found;
end
$$;

revoke all on function private.acknowledge_incident(uuid) from public, anon;
grant execute on function private.acknowledge_incident(uuid) to authenticated, service_role;
