import type { CheckResultItem, CheckStatus, MonitorResults, MonitorResultsQuery } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import { iso } from "../orgs/access.ts";

type ResultRow = {
  ts: Date;
  us: string;
  status: CheckStatus;
  latency_ms: number | null;
  message: string | null;
};

/**
 * A monitor's check results, newest first, a page at a time by keyset: the cursor is the last
 * row's time in epoch microseconds (the column's own precision, which a JS Date would cut to
 * milliseconds) and how many rows at exactly that time were already given. Results have no id,
 * so rows at one instant are ordered by status, latency and message, and the few of them are
 * the only rows ever skipped; everything older is read through (monitor_id, ts) from the cursor
 * on, whatever page it is.
 */
export async function selectResults(
  tx: Queryable,
  monitorId: string,
  query: MonitorResultsQuery,
): Promise<MonitorResults> {
  const { limit } = query;
  const [cursorUs, skip] = query.cursor ? parseCursor(query.cursor) : [null, 0];
  const at =
    cursorUs === null ? null : tx`timestamptz 'epoch' + ${cursorUs}::bigint * interval '1 microsecond'`;
  const columns = tx`c.ts, (extract(epoch from c.ts) * 1000000)::bigint::text as us, c.status, c.latency_ms, c.message`;
  const rows =
    at === null
      ? await tx<ResultRow[]>`
          select ${columns} from public.check_results c
          where c.monitor_id = ${monitorId}
          order by c.ts desc, c.status, c.latency_ms, c.message
          limit ${limit + 1}`
      : await tx<ResultRow[]>`
          select * from (
            (select ${columns} from public.check_results c
             where c.monitor_id = ${monitorId} and c.ts = ${at}
             order by c.status, c.latency_ms, c.message
             offset ${skip} limit ${limit + 1})
            union all
            (select ${columns} from public.check_results c
             where c.monitor_id = ${monitorId} and c.ts < ${at}
             order by c.ts desc, c.status, c.latency_ms, c.message
             limit ${limit + 1})
          ) page
          order by ts desc, status, latency_ms, message
          limit ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  let next: string | null = null;
  if (rows.length > limit && last) {
    const sameInstant = page.filter((r) => r.us === last.us).length;
    next = `${last.us}.${sameInstant + (last.us === cursorUs ? skip : 0)}`;
  }
  return {
    results: page.map(
      (r): CheckResultItem => ({
        at: iso(r.ts),
        status: r.status,
        latency_ms: r.latency_ms,
        message: r.message,
      }),
    ),
    next_cursor: next,
  };
}

/** "<epoch µs>.<rows already given at that instant>"; the query schema checked its shape. */
function parseCursor(cursor: string): [string, number] {
  const [us = "0", skip = "0"] = cursor.split(".");
  return [String(BigInt(us)), Number(skip)];
}
