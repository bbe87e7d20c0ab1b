"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { MutationNote } from "@/components/ui/states.tsx";

type Format = "csv" | "json";

/**
 * "CSV" and "JSON" buttons that each fetch an export and save it; one at a time, the API's
 * refusal (a range too long, too many rows) shown next to them in its own words.
 */
export function DownloadButtons({
  what,
  download,
  disabled,
}: {
  /** what is downloaded, for screen readers: "incidents", "check history", "CPU chart" */
  what: string;
  download: (format: Format) => Promise<unknown>;
  disabled?: boolean;
}) {
  const [pending, setPending] = useState<Format | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function run(format: Format) {
    setPending(format);
    setError(null);
    try {
      await download(format);
    } catch (e) {
      setError(e);
    } finally {
      setPending(null);
    }
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      {(["csv", "json"] as const).map((format) => (
        <Button
          key={format}
          size="sm"
          variant="secondary"
          loading={pending === format}
          disabled={disabled || pending !== null}
          onClick={() => void run(format)}
        >
          {format.toUpperCase()}
          <span className="sr-only"> of {what}</span>
        </Button>
      ))}
      <MutationNote error={error} />
    </span>
  );
}
