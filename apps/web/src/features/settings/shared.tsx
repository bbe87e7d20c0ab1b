"use client";
import type { ReactNode } from "react";
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

export function Table({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div className="overflow-x-auto rounded-xl border border-gray-200 dark:border-gray-800">
      <table aria-label={label} className="w-full min-w-[36rem] text-left text-sm">
        {children}
      </table>
    </div>
  );
}

export function Th({ children, className }: { children?: ReactNode; className?: string }) {
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
