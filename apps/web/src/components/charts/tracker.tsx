import { memo } from "react";
import { cx } from "@/components/ui/cx.ts";

export interface TrackerBlock {
  /**
   * ok: all up; partial: some failures; down: mostly down; none: no data; maintenance: the bucket
   * lay (partly) in a maintenance window, whatever its results (the tooltip names both)
   */
  state: "ok" | "partial" | "down" | "none" | "maintenance";
  tooltip: string;
}

const COLORS: Record<TrackerBlock["state"], string> = {
  ok: "bg-emerald-500",
  partial: "bg-amber-400",
  down: "bg-red-500",
  none: "bg-gray-200 dark:bg-gray-700",
  maintenance: "bg-blue-500",
};

/** Maintenance is hatched as well as blue, so it reads apart from the status colours without colour. */
const HATCH = {
  backgroundImage: "repeating-linear-gradient(135deg, rgb(255 255 255 / 0.45) 0 2px, transparent 2px 5px)",
};

/**
 * Tremor's Tracker: a row of thin bars, one per time bucket (hour or day). Each bar has a title
 * for hover; the whole bar is described to screen readers by `label`.
 */
export const Tracker = memo(function Tracker({
  blocks,
  label,
  className,
}: {
  blocks: readonly TrackerBlock[];
  label: string;
  className?: string;
}) {
  return (
    <div role="img" aria-label={label} className={cx("flex h-8 w-full items-stretch gap-px", className)}>
      {blocks.map((block, i) => (
        <div
          // biome-ignore lint/suspicious/noArrayIndexKey: buckets are positional
          key={i}
          title={block.tooltip}
          data-state={block.state}
          style={block.state === "maintenance" ? HATCH : undefined}
          className={cx("min-w-0 flex-1 rounded-[1px] first:rounded-l last:rounded-r", COLORS[block.state])}
        />
      ))}
    </div>
  );
});
