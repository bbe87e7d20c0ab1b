/**
 * What the "Test" of a central monitor (decision 0045) shows, as pure functions: which monitors
 * of the JSON being edited can be tested, and how a test run reads in words at each step.
 */
import type { Tone } from "@/components/ui/badge.tsx";

/** A monitor of the editor's JSON: its name and the object as written. */
export interface TestableMonitor {
  name: string;
  monitor: Record<string, unknown>;
}

/** The named monitors of the JSON being edited (unsaved), or why there are none to test. */
export function testableMonitors(text: string): { monitors: TestableMonitor[]; problem?: string } {
  let parsed: unknown;
  try {
    parsed = text.trim() === "" ? [] : JSON.parse(text);
  } catch {
    return { monitors: [], problem: "The monitors are not valid JSON yet." };
  }
  if (!Array.isArray(parsed)) return { monitors: [], problem: "The monitors must be a list." };
  const monitors = parsed.flatMap((item): TestableMonitor[] =>
    typeof item === "object" && item !== null && typeof (item as { name?: unknown }).name === "string"
      ? [{ name: (item as { name: string }).name, monitor: item as Record<string, unknown> }]
      : [],
  );
  return monitors.length > 0 ? { monitors } : { monitors, problem: "Add a monitor with a name to test it." };
}

/** The run as the dashboard reads it (GET …/monitor-tests/:id). */
export interface RunView {
  status: "pending" | "running" | "done" | "failed" | "expired";
  result: { status: string; message?: string | undefined } | null;
  reason: string | null;
}

const RESULT: Record<string, { tone: Tone; label: string }> = {
  ok: { tone: "green", label: "OK" },
  degraded: { tone: "amber", label: "Degraded" },
  down: { tone: "red", label: "Down" },
  unsupported: { tone: "gray", label: "Unsupported here" },
  refused: { tone: "red", label: "Refused by the agent" },
  failed: { tone: "red", label: "Could not run" },
};

/** One line for where a run is: a badge and the sentence beside it. */
export function describeRun(run: RunView, serverName: string): { tone: Tone; label: string; text: string } {
  switch (run.status) {
    case "pending":
      return {
        tone: "gray",
        label: "Waiting for the agent",
        text: `${serverName}'s agent picks the test up with its next heartbeat (up to a minute).`,
      };
    case "running":
      return { tone: "blue", label: "Running", text: `Running once on ${serverName}…` };
    case "expired":
      return { tone: "amber", label: "Expired", text: run.reason ?? "The agent did not answer." };
    default: {
      const result = run.result;
      const known = RESULT[result?.status ?? "failed"] ?? {
        tone: "gray" as const,
        label: result?.status ?? "?",
      };
      return { tone: known.tone, label: known.label, text: result?.message ?? "" };
    }
  }
}

/** Whether the run may still change (the page asks again while it may). */
export function isSettled(status: RunView["status"]): boolean {
  return status === "done" || status === "failed" || status === "expired";
}
