"use client";
import type { FormEvent, ReactNode } from "react";
import { Button } from "@/components/ui/button.tsx";
import { cx } from "@/components/ui/cx.ts";
import { MutationNote } from "@/components/ui/states.tsx";
import type { OrgRole } from "@/lib/contract.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";

/** Whether the current user's role allows an action, and a note saying who may when not. */
export function usePermission(needed: OrgRole): { allowed: boolean; note: ReactNode } {
  const { role } = useOrg();
  const allowed = atLeast(role, needed);
  return {
    allowed,
    note: allowed ? null : (
      <p className="rounded-lg bg-gray-100 p-3 text-gray-600 text-sm dark:bg-gray-800 dark:text-gray-300">
        You are a {role} of this organization: only {needed === "member" ? "members" : `${needed}s`} and above
        can change this.
      </p>
    ),
  };
}

/** A settings list as a table: its column headings, then a last, unlabelled column for the row's actions. */
export function Table({
  children,
  label,
  columns,
}: {
  children: ReactNode;
  label: string;
  columns: string[];
}) {
  return (
    <div className="overflow-x-auto rounded-xl border border-gray-200 dark:border-gray-800">
      <table aria-label={label} className="w-full min-w-[36rem] text-left text-sm">
        <thead>
          <tr>
            {columns.map((column) => (
              <Th key={column}>{column}</Th>
            ))}
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        {children}
      </table>
    </div>
  );
}

function Th({ children, className }: { children?: ReactNode; className?: string }) {
  return (
    <th
      scope="col"
      className={`border-gray-200 border-b bg-gray-50 px-3 py-2 font-medium text-gray-500 text-xs uppercase tracking-wide dark:border-gray-800 dark:bg-gray-900/60 dark:text-gray-400 ${className ?? ""}`}
    >
      {children}
    </th>
  );
}

export function Td({ children, className }: { children?: ReactNode; className?: string }) {
  return (
    <td className={`border-gray-100 border-b px-3 py-2 align-middle dark:border-gray-800 ${className ?? ""}`}>
      {children}
    </td>
  );
}

/**
 * A settings page's inline editor: a bordered form whose footer submits, cancels, and shows the
 * mutation's error (pass none when a field already shows it). `spaced` keeps it apart from the list below.
 */
export function EditorForm({
  onSubmit,
  spaced = false,
  submitLabel,
  pending,
  submitDisabled,
  onCancel,
  error,
  children,
}: {
  onSubmit: (event: FormEvent) => void;
  spaced?: boolean;
  submitLabel: ReactNode;
  pending: boolean;
  submitDisabled?: boolean;
  onCancel: () => void;
  error: unknown;
  children: ReactNode;
}) {
  return (
    <form
      onSubmit={onSubmit}
      className={cx(spaced && "mb-4", "space-y-4 rounded-lg border border-gray-200 p-4 dark:border-gray-800")}
    >
      {children}
      <div className="flex items-center gap-2">
        <Button type="submit" loading={pending} disabled={submitDisabled}>
          {submitLabel}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <MutationNote error={error} />
      </div>
    </form>
  );
}
