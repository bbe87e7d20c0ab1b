import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from "react";
import { cx } from "./cx.ts";

const CONTROL =
  "block w-full rounded-lg border border-gray-300 bg-white px-3 py-2 text-base text-gray-900 shadow-xs placeholder:text-gray-400 focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-500/30 disabled:bg-gray-100 sm:text-sm dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100 dark:disabled:bg-gray-800";

export function TextField({
  label,
  hint,
  error,
  className,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block font-medium text-gray-700 text-sm dark:text-gray-300">
        {label}
      </label>
      <input
        id={id}
        className={cx(CONTROL, error && "border-red-500 dark:border-red-500")}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${id}-note` : undefined}
        {...props}
      />
      {error ? (
        <p id={`${id}-note`} className="mt-1 text-red-600 text-sm dark:text-red-400">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-note`} className="mt-1 text-gray-500 text-sm dark:text-gray-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({
  label,
  hint,
  className,
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: ReactNode; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block font-medium text-gray-700 text-sm dark:text-gray-300">
        {label}
      </label>
      <select id={id} className={CONTROL} aria-describedby={hint ? `${id}-hint` : undefined} {...props}>
        {children}
      </select>
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-gray-500 text-sm dark:text-gray-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function Checkbox({
  label,
  className,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode }) {
  const id = useId();
  return (
    <div className={cx("flex items-center gap-2", className)}>
      <input
        id={id}
        type="checkbox"
        className="size-4 rounded border-gray-300 text-blue-600 dark:border-gray-600"
        {...props}
      />
      <label htmlFor={id} className="text-gray-700 text-sm dark:text-gray-300">
        {label}
      </label>
    </div>
  );
}

export const controlClass = CONTROL;

/** A wrapping row of checkboxes, one per option, ticked when its id is selected. */
export function CheckboxGroup<T extends { id: string; label: ReactNode }>({
  options,
  selected,
  onToggle,
}: {
  options: readonly T[];
  selected: readonly string[];
  onToggle: (option: T, checked: boolean) => void;
}) {
  return (
    <div className="flex flex-wrap gap-x-4 gap-y-1">
      {options.map((option) => (
        <Checkbox
          key={option.id}
          label={option.label}
          checked={selected.includes(option.id)}
          onChange={(e) => onToggle(option, e.target.checked)}
        />
      ))}
    </div>
  );
}

/** The selection with `id` added at the end (ticked) or removed (unticked). */
export function toggleId(selected: readonly string[], id: string, checked: boolean): string[] {
  return checked ? [...selected, id] : selected.filter((x) => x !== id);
}
