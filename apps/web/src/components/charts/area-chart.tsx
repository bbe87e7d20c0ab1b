"use client";
import { memo, useMemo } from "react";
import { Area, CartesianGrid, AreaChart as RAreaChart, Tooltip, XAxis, YAxis } from "recharts";

export interface Series {
  key: string;
  label: string;
  /** a CSS colour (Tailwind palette values) */
  color: string;
}

export type ChartRow = { t: number } & Record<string, number | null>;

const PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#8b5cf6", "#ef4444", "#06b6d4", "#ec4899", "#84cc16"];
export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length] ?? "#3b82f6";
}

function timeTick(range: "1h" | "24h" | "7d" | "30d") {
  const opts: Intl.DateTimeFormatOptions =
    range === "1h" || range === "24h"
      ? { hour: "2-digit", minute: "2-digit" }
      : { month: "short", day: "numeric" };
  const fmt = new Intl.DateTimeFormat(undefined, opts);
  return (t: number) => fmt.format(new Date(t));
}

const fullTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** Pure: whether row i of a column has a value but neither neighbour does (a line cannot show it). */
export function isolated(data: readonly ChartRow[], key: string, i: number): boolean {
  const here = data[i]?.[key];
  if (here === null || here === undefined) return false;
  const before = data[i - 1]?.[key];
  const after = data[i + 1]?.[key];
  return (before === null || before === undefined) && (after === null || after === undefined);
}

/**
 * Tremor's AreaChart on Recharts: time on x, one or more series, a formatter for values, a
 * legend and a tooltip. Gaps (null) stay gaps. The chart has a text summary for screen readers.
 */
export const AreaChart = memo(function AreaChart({
  data,
  series,
  range,
  valueFormatter = (v: number) => v.toFixed(1),
  height = 180,
  maxValue,
  summary,
  stacked = false,
}: {
  data: readonly ChartRow[];
  series: readonly Series[];
  range: "1h" | "24h" | "7d" | "30d";
  valueFormatter?: (value: number) => string;
  height?: number;
  maxValue?: number;
  summary: string;
  stacked?: boolean;
}) {
  const tick = useMemo(() => timeTick(range), [range]);
  return (
    <figure className="w-full">
      <figcaption className="sr-only">{summary}</figcaption>
      <div className="mb-2 flex flex-wrap gap-x-3 gap-y-1" aria-hidden="true">
        {series.length > 1
          ? series.map((s) => (
              <span
                key={s.key}
                className="inline-flex items-center gap-1 text-gray-600 text-xs dark:text-gray-400"
              >
                <span className="size-2 rounded-full" style={{ background: s.color }} />
                {s.label}
              </span>
            ))
          : null}
      </div>
      <RAreaChart
        responsive
        style={{ width: "100%", height }}
        data={data as ChartRow[]}
        margin={{ top: 4, right: 4, bottom: 0, left: 0 }}
      >
        <defs>
          {series.map((s) => (
            <linearGradient
              key={s.key}
              id={`fill-${s.key.replace(/[^a-zA-Z0-9]/g, "_")}`}
              x1="0"
              y1="0"
              x2="0"
              y2="1"
            >
              <stop offset="5%" stopColor={s.color} stopOpacity={0.3} />
              <stop offset="95%" stopColor={s.color} stopOpacity={0} />
            </linearGradient>
          ))}
        </defs>
        <CartesianGrid
          strokeDasharray="3 3"
          vertical={false}
          className="stroke-gray-200 dark:stroke-gray-800"
        />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={["dataMin", "dataMax"]}
          tickFormatter={tick}
          tick={{ fontSize: 11, fill: "currentColor" }}
          className="text-gray-500"
          tickLine={false}
          axisLine={false}
          minTickGap={40}
        />
        <YAxis
          width={48}
          tickFormatter={(v: number) => valueFormatter(v)}
          tick={{ fontSize: 11, fill: "currentColor" }}
          className="text-gray-500"
          tickLine={false}
          axisLine={false}
          domain={maxValue === undefined ? [0, "auto"] : [0, maxValue]}
          allowDecimals
        />
        <Tooltip
          labelFormatter={(t) => fullTime.format(new Date(Number(t)))}
          formatter={(value, name) => [
            typeof value === "number" ? valueFormatter(value) : String(value ?? "–"),
            series.find((s) => s.key === name)?.label ?? String(name),
          ]}
          contentStyle={{ fontSize: 12, borderRadius: 8 }}
        />
        {series.map((s) => (
          <Area
            key={s.key}
            dataKey={s.key}
            name={s.key}
            type="monotone"
            stroke={s.color}
            strokeWidth={1.5}
            fill={`url(#fill-${s.key.replace(/[^a-zA-Z0-9]/g, "_")})`}
            connectNulls={false}
            isAnimationActive={false}
            // a lone bucket between gaps (e.g. the first minute of a new server) shows as a dot
            dot={(props: { cx?: number; cy?: number; index?: number }) =>
              props.index !== undefined &&
              props.cx !== undefined &&
              props.cy !== undefined &&
              isolated(data, s.key, props.index) ? (
                <circle key={`${s.key}-${props.index}`} cx={props.cx} cy={props.cy} r={2.5} fill={s.color} />
              ) : (
                <g key={`${s.key}-${props.index}`} />
              )
            }
            {...(stacked ? { stackId: "1" } : {})}
          />
        ))}
      </RAreaChart>
    </figure>
  );
});
