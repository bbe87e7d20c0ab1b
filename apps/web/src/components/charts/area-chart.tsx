"use client";
import { memo, useMemo } from "react";
import { Area, CartesianGrid, AreaChart as RAreaChart, Tooltip, XAxis, YAxis } from "recharts";
import { axisScale, formatUnit, type UnitFamily } from "@/lib/format.ts";

export interface Series {
  key: string;
  label: string;
  /** a CSS colour (Tailwind palette values) */
  color: string;
}

export type ChartRow = { t: number } & Record<string, number | null>;

/** the metric charts' ranges and the response-time chart's longer ones */
type Range = "1h" | "24h" | "7d" | "30d" | "90d" | "365d";

function timeTick(range: Range) {
  const opts: Intl.DateTimeFormatOptions =
    range === "1h" || range === "24h"
      ? { hour: "2-digit", minute: "2-digit" }
      : { month: "short", day: "numeric" };
  const fmt = new Intl.DateTimeFormat(undefined, opts);
  return (t: number) => fmt.format(new Date(t));
}

const MINUTE = 60_000;
/** The time between two x ticks per range: labels that differ (never "Dec 5, Dec 5"). */
const TIME_STEP: Record<Range, number> = {
  "1h": 15 * MINUTE,
  "24h": 6 * 60 * MINUTE,
  "7d": 24 * 60 * MINUTE,
  "30d": 7 * 24 * 60 * MINUTE,
  "90d": 14 * 24 * 60 * MINUTE,
  "365d": 60 * 24 * 60 * MINUTE,
};

/**
 * Pure: x ticks at whole multiples of the range's step (every 15 minutes, 6 hours, day, week,
 * 2 weeks, 60 days)
 * inside [from, to]; days start at local midnight so a day's label sits on its own day.
 */
export function timeTicks(from: number, to: number, range: Range): number[] {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return [];
  const step = TIME_STEP[range];
  const offset = range === "1h" || range === "24h" ? 0 : new Date(from).getTimezoneOffset() * MINUTE;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to && ticks.length < 50; t += step)
    ticks.push(t);
  return ticks;
}

/** Pure: the highest value drawn (the stack's top when stacked), 0 without data. */
export function highest(data: readonly ChartRow[], keys: readonly string[], stacked: boolean): number {
  let max = 0;
  for (const row of data) {
    let sum = 0;
    for (const key of keys) {
      const v = row[key];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      sum += v;
      if (!stacked && v > max) max = v;
    }
    if (stacked && sum > max) max = sum;
  }
  return max;
}

/**
 * Pure: about how wide an 11 px tick label is, in pixels, a little generous (digits and dots are
 * narrow, "%", "M" and "W" wide), so the value axis is just wide enough that no label is cut.
 */
export function labelWidth(text: string): number {
  let px = 0;
  for (const ch of text) {
    if (/[0-9.,\-\s\u00a0]/.test(ch)) px += 6.5;
    else if (/[%MWmw]/.test(ch)) px += 10.5;
    else if (/[A-Z°]/.test(ch)) px += 8;
    else px += 7;
  }
  return Math.ceil(px);
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
  unit,
  valueFormatter,
  height = 180,
  maxValue,
  summary,
  stacked = false,
}: {
  data: readonly ChartRow[];
  series: readonly Series[];
  range: Range;
  /** the values' unit family: one unit per axis chosen from its max, 1-2-5 ticks, same tooltips */
  unit?: UnitFamily;
  valueFormatter?: (value: number) => string;
  height?: number;
  maxValue?: number;
  summary: string;
  stacked?: boolean;
}) {
  const tick = useMemo(() => timeTick(range), [range]);
  const keys = useMemo(() => series.map((s) => s.key), [series]);
  const axis = useMemo(
    () =>
      unit
        ? axisScale(unit, Math.max(maxValue ?? 0, highest(data, keys, stacked)), height >= 200 ? 5 : 4)
        : undefined,
    [unit, maxValue, data, keys, stacked, height],
  );
  const xTicks = useMemo(
    () => timeTicks(data[0]?.t ?? Number.NaN, data.at(-1)?.t ?? Number.NaN, range),
    [data, range],
  );
  const format = valueFormatter ?? (unit ? (v: number) => formatUnit(unit, v) : (v: number) => v.toFixed(1));
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
        // room on the right for half of the last time label, on top for half of the top value label
        margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
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
          {...(xTicks.length >= 2 ? { ticks: xTicks } : {})}
          tick={{ fontSize: 11, fill: "currentColor" }}
          className="text-gray-500"
          tickLine={false}
          axisLine={false}
          minTickGap={24}
        />
        {axis ? (
          <YAxis
            width={Math.max(...axis.ticks.map((t) => labelWidth(axis.format(t)))) + 12}
            ticks={axis.ticks}
            interval={0}
            tickFormatter={axis.format}
            tick={{ fontSize: 11, fill: "currentColor" }}
            className="text-gray-500"
            tickLine={false}
            axisLine={false}
            domain={[0, axis.top]}
            allowDataOverflow
          />
        ) : (
          <YAxis
            width={48}
            tickFormatter={(v: number) => format(v)}
            tick={{ fontSize: 11, fill: "currentColor" }}
            className="text-gray-500"
            tickLine={false}
            axisLine={false}
            domain={maxValue === undefined ? [0, "auto"] : [0, maxValue]}
            allowDecimals
          />
        )}
        <Tooltip
          labelFormatter={(t) => fullTime.format(new Date(Number(t)))}
          formatter={(value, name) => [
            typeof value === "number" ? format(value) : String(value ?? "–"),
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
