"use client";
import type { ReactNode } from "react";
import { ApiError, describeError } from "@/lib/api.ts";
import { Button } from "./button.tsx";
import { cx } from "./cx.ts";

export function EmptyState({
  title,
  children,
  action,
  className,
}: {
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div
      className={cx(
        "flex flex-col items-center justify-center rounded-xl border border-gray-300 border-dashed px-6 py-10 text-center dark:border-gray-700",
        className,
      )}
    >
      <p className="font-medium text-gray-900 dark:text-gray-100">{title}</p>
      {children ? (
        <div className="mt-1 max-w-md text-gray-500 text-sm dark:text-gray-400">{children}</div>
      ) : null}
      {action ? <div className="mt-4">{action}</div> : null}
    </div>
  );
}

/** A failed load, in words a person can act on, with a retry. Never a stack trace. */
export function ErrorState({
  error,
  retry,
  title = "Could not load this",
  className,
}: {
  error: unknown;
  retry?: () => void;
  title?: ReactNode;
  className?: string;
}) {
  return (
    <div
      role="alert"
      className={cx(
        "rounded-xl border border-red-200 bg-red-50 px-4 py-4 text-sm dark:border-red-900 dark:bg-red-950/40",
        className,
      )}
    >
      <p className="font-medium text-red-800 dark:text-red-200">{title}</p>
      <p className="mt-1 text-red-700 dark:text-red-300">{describeError(error)}</p>
      {retry ? (
        <Button variant="secondary" size="sm" className="mt-3" onClick={retry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return (
    <div
      aria-hidden="true"
      className={cx("animate-pulse rounded-md bg-gray-200 dark:bg-gray-800", className)}
    />
  );
}

export function LoadingState({ label = "Loading", rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div role="status" aria-live="polite" className="space-y-3">
      <span className="sr-only">{label}…</span>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <Skeleton key={i} className="h-12 w-full" />
      ))}
    </div>
  );
}

/** An inline error in words, announced to screen readers at once; nothing when there is none. */
export function ErrorNote({ children }: { children?: ReactNode }) {
  return children ? (
    <p role="alert" className="text-red-600 text-sm dark:text-red-400">
      {children}
    </p>
  ) : null;
}

/** An inline success or notice, announced politely; nothing when there is none. */
export function StatusNote({ children }: { children?: ReactNode }) {
  return children ? (
    <p role="status" className="text-emerald-700 text-sm dark:text-emerald-400">
      {children}
    </p>
  ) : null;
}

/** Inline result of a mutation (saved / failed), announced to screen readers. */
export function MutationNote({ error, success }: { error: unknown; success?: ReactNode }) {
  if (error) return <ErrorNote>{describeError(error)}</ErrorNote>;
  return <StatusNote>{success}</StatusNote>;
}

/**
 * What an item's page shows instead of the item: `notFound` when there is no id or the API has no
 * such item (404, or 400 for an id that is not one), loading rows, or the error with a retry.
 * Nothing once the item is there.
 */
export function itemFallback(
  id: string,
  query: { isPending: boolean; isError: boolean; data: unknown; error: unknown; refetch: () => unknown },
  { loading, rows, notFound }: { loading: string; rows: number; notFound: ReactNode },
): ReactNode | undefined {
  if (!id) return notFound;
  if (query.isPending) return <LoadingState label={loading} rows={rows} />;
  if (query.isError && !query.data) {
    if (query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 400))
      return notFound;
    return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  }
  return undefined;
}

/** "Load older …" under a list paged by an infinite query, while the query has another page. */
export function LoadOlder({
  query,
  label = "Load older",
  className = "mt-3 flex justify-center",
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  label?: string;
  className?: string;
}) {
  if (!query.hasNextPage) return null;
  return (
    <div className={className}>
      <Button
        variant="secondary"
        loading={query.isFetchingNextPage}
        onClick={() => void query.fetchNextPage()}
      >
        {label}
      </Button>
    </div>
  );
}
