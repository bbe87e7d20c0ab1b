"use client";
import { useEffect } from "react";
import { ApiError, describeError } from "@/lib/api.ts";
import { Button } from "./ui/button.tsx";

/**
 * What every error boundary shows: a sentence and a way out, never a stack trace. The error
 * goes to the console for whoever opens the developer tools.
 */
export function FriendlyError({
  error,
  retry,
  full = false,
}: {
  error: unknown;
  retry: () => void;
  full?: boolean;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const message =
    error instanceof ApiError
      ? describeError(error)
      : "This page ran into a problem. Trying again usually helps; if it keeps happening, reload the page.";
  return (
    <div role="alert" className={full ? "flex min-h-dvh items-center justify-center p-6" : "py-10"}>
      <div className="mx-auto max-w-md rounded-xl border border-gray-200 bg-white p-6 text-center shadow-sm dark:border-gray-800 dark:bg-gray-900">
        <h1 className="font-semibold text-lg">Something went wrong</h1>
        <p className="mt-2 text-gray-600 text-sm dark:text-gray-400">{message}</p>
        <div className="mt-4 flex justify-center gap-2">
          <Button onClick={retry}>Try again</Button>
          <Button variant="secondary" onClick={() => window.location.assign("/servers")}>
            Go to servers
          </Button>
        </div>
      </div>
    </div>
  );
}
