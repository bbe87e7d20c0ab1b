import { METRIC_NAMES_LIMIT, type MetricNamesResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MetricSeriesRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { readServer } from "../servers/view.ts";

export const ListMetricNamesInput = z.strictObject({ org_id: z.uuid(), server_id: z.uuid() });
export type ListMetricNamesInput = z.input<typeof ListMetricNamesInput>;

/**
 * Every metric name one server has a series of, with how many label sets each has, ordered by
 * name and capped at METRIC_NAMES_LIMIT (one more is read to say `truncated`). The dashboard
 * lists application metrics from it. Served by the unique (server_id, name, labels) index.
 * metric_series has no last-seen column, so no last-seen time is given.
 */
export async function listMetricNames({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListMetricNamesInput;
}): Promise<MetricNamesResponse> {
  const { org_id, server_id } = parseInput(ListMetricNamesInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    await readServer(tx, org_id, server_id);
    const rows = await tx<(Pick<MetricSeriesRow, "name"> & { series: number })[]>`
      select name, count(*)::int as series from public.metric_series
      where server_id = ${server_id} and org_id = ${org_id}
      group by name
      order by name
      limit ${METRIC_NAMES_LIMIT + 1}`;
    return {
      names: rows.slice(0, METRIC_NAMES_LIMIT).map((r) => ({ name: r.name, series: r.series })),
      truncated: rows.length > METRIC_NAMES_LIMIT,
    };
  });
}
