"use client";
import { type ComponentProps, lazy, Suspense } from "react";
import type { AreaChart } from "./area-chart.tsx";

const Chart = lazy(() => import("./area-chart.tsx").then((m) => ({ default: m.AreaChart })));

/**
 * The area chart with Recharts (~95 KiB compressed, ~370 KiB of script to evaluate) loaded when a
 * chart is first drawn instead of with the page: the server and monitor pages paint their text,
 * bars and lists while it arrives (issue 17, decision 0049). Until then a blank box of the
 * chart's size keeps the layout still.
 */
export function LazyAreaChart(props: ComponentProps<typeof AreaChart>) {
  const legend = props.series.length > 1 ? 24 : 8; // the legend row above the plot (mb-2)
  return (
    <Suspense
      fallback={
        <figure className="w-full" aria-busy="true" style={{ height: (props.height ?? 180) + legend }}>
          <figcaption className="sr-only">{props.summary}</figcaption>
        </figure>
      }
    >
      <Chart {...props} />
    </Suspense>
  );
}
