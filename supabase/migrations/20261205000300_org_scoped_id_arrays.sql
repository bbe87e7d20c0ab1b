-- The same rule for references a foreign key cannot express: arrays of ids.
--   alert_rules.channel_ids, alert_rules.escalation_channel_ids -> channels
--   status_pages.monitor_ids                                     -> monitors
-- A trigger refuses an id that is not an object of the row's own organization (as a foreign key
-- would, errcode 23503), and deleting a channel or monitor removes its id from the arrays (as
-- "on delete cascade" of an element would), so the arrays never hold a dangling id.
-- Decision record: docs/decisions/0018-tenancy-in-the-schema.md.

-- Existing rows: an id of another organization stops the migration, naming the table; ids of
-- objects deleted before this migration (nothing removed them then) are dropped from the array.
do $check$
declare
  bad bigint;
begin
  select count(*) into bad from public.alert_rules r
  where exists (
    select 1 from unnest(r.channel_ids || r.escalation_channel_ids) x
    join public.channels c on c.id = x where c.org_id <> r.org_id);
  if bad > 0 then
    raise exception 'public.alert_rules: % row(s) name channels of another organization; fix them before this migration', bad
      using errcode = 'foreign_key_violation';
  end if;
  select count(*) into bad from public.status_pages p
  where exists (
    select 1 from unnest(p.monitor_ids) x
    join public.monitors m on m.id = x where m.org_id <> p.org_id);
  if bad > 0 then
    raise exception 'public.status_pages: % row(s) name monitors of another organization; fix them before this migration', bad
      using errcode = 'foreign_key_violation';
  end if;
end
$check$;

update public.alert_rules r set
  channel_ids = array(select x from unnest(r.channel_ids) with ordinality u(x, i)
                      where exists (select 1 from public.channels c where c.id = x) order by i),
  escalation_channel_ids = array(select x from unnest(r.escalation_channel_ids) with ordinality u(x, i)
                                 where exists (select 1 from public.channels c where c.id = x) order by i)
where exists (select 1 from unnest(r.channel_ids || r.escalation_channel_ids) x
              where not exists (select 1 from public.channels c where c.id = x));

update public.status_pages p set
  monitor_ids = array(select x from unnest(p.monitor_ids) with ordinality u(x, i)
                      where exists (select 1 from public.monitors m where m.id = x) order by i)
where exists (select 1 from unnest(p.monitor_ids) x
              where not exists (select 1 from public.monitors m where m.id = x));

-- tg_argv: the referenced table, then the array columns. Only ids the write adds are checked, so
-- an update that leaves the arrays alone costs one comparison. Security definer: whether an id
-- is of the row's organization must not depend on what the writer may read (RLS).
create function private.check_org_id_arrays() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  col text;
  added uuid[];
  foreign_id uuid;
begin
  for i in 1 .. tg_nargs - 1 loop
    col := tg_argv[i];
    select array(
      select x from jsonb_array_elements_text(coalesce(to_jsonb(new) -> col, '[]')) e(x)
      except
      select x from jsonb_array_elements_text(
        case when tg_op = 'UPDATE' and old.org_id = new.org_id then coalesce(to_jsonb(old) -> col, '[]') else '[]' end) e(x)
    )::uuid[] into added;
    if cardinality(added) = 0 then continue; end if;
    if array_position(added, null) is not null then
      raise exception 'public.%: % holds a null id', tg_table_name, col using errcode = 'not_null_violation';
    end if;
    execute format(
      'select x from unnest($1) x where not exists (select 1 from public.%I t where t.id = x and t.org_id = $2) limit 1',
      tg_argv[0])
      into foreign_id
      using added, new.org_id;
    if foreign_id is not null then
      raise exception 'public.%: % names % %, which is not an object of this organization',
        tg_table_name, col, tg_argv[0], foreign_id
        using errcode = 'foreign_key_violation';
    end if;
  end loop;
  return new;
end
$$;

create trigger alert_rules_channel_ids_in_org
  before insert or update of org_id, channel_ids, escalation_channel_ids on public.alert_rules
  for each row execute function private.check_org_id_arrays('channels', 'channel_ids', 'escalation_channel_ids');

create trigger status_pages_monitor_ids_in_org
  before insert or update of org_id, monitor_ids on public.status_pages
  for each row execute function private.check_org_id_arrays('monitors', 'monitor_ids');

-- The "on delete cascade" of an array element: the deleted object leaves every array naming it.
create function private.remove_deleted_channel_ids() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.alert_rules set
    channel_ids = array_remove(channel_ids, old.id),
    escalation_channel_ids = array_remove(escalation_channel_ids, old.id)
  where org_id = old.org_id and (old.id = any (channel_ids) or old.id = any (escalation_channel_ids));
  return old;
end
$$;

create function private.remove_deleted_monitor_ids() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.status_pages set monitor_ids = array_remove(monitor_ids, old.id)
  where org_id = old.org_id and old.id = any (monitor_ids);
  return old;
end
$$;

create trigger channels_leave_alert_rules
  after delete on public.channels
  for each row execute function private.remove_deleted_channel_ids();

create trigger monitors_leave_status_pages
  after delete on public.monitors
  for each row execute function private.remove_deleted_monitor_ids();

-- trigger functions cannot be called directly; keep them off every API role regardless
revoke all on function private.check_org_id_arrays() from public, anon, authenticated;
revoke all on function private.remove_deleted_channel_ids() from public, anon, authenticated;
revoke all on function private.remove_deleted_monitor_ids() from public, anon, authenticated;
