-- The servers overview reads each server's cpu trend as JSON text written with the vitals, instead
-- of turning 1,000 real[] into text on every read (decision 0050's addendum).
--
-- The overview's statement spent about 9 of its 21 ms turning the 1,000 24-point trends into
-- JSON text (array_to_json) and its three timestamps into ISO text (to_char), for every request;
-- the refresh writes a server's trend once every 30 s. The text is kept by a trigger on the column
-- it comes from, so private.refresh_rollups() (and anything else writing cpu_trend) stays as it is
-- and the two can never disagree. Points are rounded to tenths here, as the API shows them.

alter table public.server_vitals add column cpu_trend_json text;

create function private.server_vitals_trend_json() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.cpu_trend_json := array_to_json(array(
    select round(t.value::numeric, 1) from unnest(new.cpu_trend) with ordinality as t(value, i) order by t.i
  ))::text;
  return new;
end
$$;
revoke all on function private.server_vitals_trend_json() from public, anon, authenticated;

create trigger server_vitals_trend_json before insert or update of cpu_trend on public.server_vitals
  for each row execute function private.server_vitals_trend_json();

-- rows written before the trigger
update public.server_vitals set cpu_trend = cpu_trend;
alter table public.server_vitals alter column cpu_trend_json set not null;
