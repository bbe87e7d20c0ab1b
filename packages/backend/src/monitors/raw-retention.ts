import type { Queryable } from "../db/queryable.ts";

/**
 * The first whole hour from which the monitor's organization still keeps raw check results
 * (its raw retention: the smaller of its own setting and its plan's, decision 0043). Before it,
 * the plan keeps only the hourly rollups, so a range reaching further back reads those instead of
 * a tier that is already deleted. Rounded up to the hour so that no hour is read from both.
 */
export async function rawResultsKeptFrom(tx: Queryable, monitorId: string): Promise<Date> {
  const [row] = await tx<{ kept_from: Date | null }[]>`
    select private.bucket_1h(now() - make_interval(days => private.raw_retention_days(m.org_id)))
             + interval '1 hour' as kept_from
    from public.monitors m where m.id = ${monitorId}`;
  return row?.kept_from ?? new Date(0);
}
