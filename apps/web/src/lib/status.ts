import type { Tone } from "@/components/ui/badge.tsx";
import type { BarStatus, IncidentStatus, ServerState, Severity } from "./contract.ts";

export const SERVER_STATE: Record<ServerState, { tone: Tone; label: string }> = {
  up: { tone: "green", label: "Up" },
  down: { tone: "red", label: "Down" },
  pending: { tone: "amber", label: "Pending" },
  unknown: { tone: "gray", label: "Unknown" },
};

export const INCIDENT_STATUS: Record<IncidentStatus, { tone: Tone; label: string }> = {
  open: { tone: "red", label: "Open" },
  acknowledged: { tone: "amber", label: "Acknowledged" },
  resolved: { tone: "green", label: "Resolved" },
};

export const SEVERITY: Record<Severity, { tone: Tone; label: string }> = {
  critical: { tone: "red", label: "Critical" },
  warning: { tone: "amber", label: "Warning" },
  info: { tone: "blue", label: "Info" },
};

export const CHECK_STATUS: Record<string, { tone: Tone; label: string }> = {
  ok: { tone: "green", label: "OK" },
  degraded: { tone: "amber", label: "Degraded" },
  down: { tone: "red", label: "Down" },
  unsupported: { tone: "gray", label: "Unsupported" },
  unknown: { tone: "gray", label: "No data" },
};

/** A check's badge from its last status; a status this dashboard does not know shows as no data. */
export function checkStatus(lastStatus: string | null | undefined): { tone: Tone; label: string } {
  return CHECK_STATUS[lastStatus ?? "unknown"] ?? { tone: "gray", label: "No data" };
}

export const BAR_LABEL: Record<BarStatus, string> = {
  ok: "all checks passed",
  degraded: "degraded",
  down: "down",
  none: "no data",
};

export function trackerState(bar: BarStatus): "ok" | "partial" | "down" | "none" {
  return bar === "degraded" ? "partial" : bar;
}
