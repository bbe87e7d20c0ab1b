"use client";
import { cx } from "./cx.ts";

/** A segmented control (range pickers, filters): buttons with aria-pressed. */
export function Segmented<T extends string>({
  value,
  options,
  onChange,
  label,
}: {
  value: T;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange: (value: T) => void;
  label: string;
}) {
  return (
    <fieldset className="inline-flex rounded-lg bg-gray-100 p-0.5 dark:bg-gray-800">
      <legend className="sr-only">{label}</legend>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={value === option.value}
          onClick={() => onChange(option.value)}
          className={cx(
            "rounded-md px-3 py-1 font-medium text-sm transition-colors",
            value === option.value
              ? "bg-white text-gray-900 shadow-xs dark:bg-gray-950 dark:text-gray-50"
              : "text-gray-600 hover:text-gray-900 dark:text-gray-400 dark:hover:text-gray-100",
          )}
        >
          {option.label}
        </button>
      ))}
    </fieldset>
  );
}
