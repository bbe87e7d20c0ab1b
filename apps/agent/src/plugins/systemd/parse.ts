/**
 * Pure interpretation of `systemctl show --property=... <units>` (one `Key=Value` block per unit,
 * blocks separated by a blank line, properties in systemd's order, not the requested one) and of
 * `systemctl list-units --state=failed` in JSON or plain form.
 */
import type { CheckStatus } from "@custos/protocol";

/** Properties the runner asks for. */
export const SHOW_PROPERTIES = [
  "Id",
  "LoadState",
  "ActiveState",
  "SubState",
  "Result",
  "NRestarts",
  "ActiveEnterTimestamp",
  "ActiveEnterTimestampMonotonic",
  "StateChangeTimestamp",
  "StateChangeTimestampMonotonic",
] as const;

export interface UnitStatus {
  id: string;
  loadState: string;
  activeState: string;
  subState: string;
  result: string;
  restarts: number;
  /** CLOCK_MONOTONIC µs of the last state change; 0 when systemd has none. */
  stateChangeMonotonicUs: number;
}

/** Splits `systemctl show` output into one property map per unit. */
export function parseShow(text: string): Record<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const props: Record<string, string> = {};
      for (const line of block.split("\n")) {
        const at = line.indexOf("=");
        if (at > 0) props[line.slice(0, at)] = line.slice(at + 1);
      }
      return props;
    })
    .filter((props) => Object.keys(props).length > 0);
}

const int = (value: string | undefined) => {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
};

export function toUnitStatus(props: Record<string, string>): UnitStatus {
  return {
    id: props.Id ?? "",
    loadState: props.LoadState ?? "",
    activeState: props.ActiveState ?? "",
    subState: props.SubState ?? "",
    result: props.Result ?? "",
    restarts: int(props.NRestarts),
    stateChangeMonotonicUs: int(props.StateChangeTimestampMonotonic),
  };
}

/** Seconds since the unit's last state change, given the host's CLOCK_MONOTONIC in µs. */
export function secondsInState(unit: UnitStatus, nowMonotonicUs: number): number | undefined {
  if (unit.stateChangeMonotonicUs <= 0 || nowMonotonicUs < unit.stateChangeMonotonicUs) return undefined;
  return Math.floor((nowMonotonicUs - unit.stateChangeMonotonicUs) / 1_000_000);
}

/** `nginx` -> `nginx.service`; names with a unit suffix stay as they are. */
/** systemctl's own words when there is no systemd to talk to (containers, WSL1, non-systemd distros). */
export const NO_SYSTEMD =
  /not been booted with systemd|Failed to connect to bus|Failed to get D-Bus connection/i;

export function unitName(name: string): string {
  return /\.(service|socket|timer|mount|automount|path|target|slice|scope|swap|device)$/.test(name)
    ? name
    : `${name}.service`;
}

/** Earlier NRestarts observations of one unit, oldest first: [epoch ms, NRestarts]. */
export type RestartHistory = [number, number][];

/**
 * Restarts within `windowMs`: the rise of NRestarts over the observations kept in the window.
 * NRestarts going down (the unit was started by hand, the counter reset) starts a new history.
 */
export function recordRestarts(
  history: RestartHistory | undefined,
  now: number,
  restarts: number,
  windowMs: number,
): { history: RestartHistory; inWindow: number } {
  let kept = (history ?? []).filter(([ts]) => now - ts <= windowMs);
  if (kept.some(([, n]) => n > restarts)) kept = [];
  kept.push([now, restarts]);
  const oldest = kept[0]?.[1] ?? restarts;
  return { history: kept, inWindow: restarts - oldest };
}

export interface UnitRules {
  allow_inactive: boolean;
  max_restarts: number;
  windowText: string;
}

/**
 * `down` when the unit is failed, missing, inactive (unless allowed) or restarted more than
 * `max_restarts` times within the window; `degraded` while it is between states (activating,
 * auto-restart, deactivating, reloading).
 */
export function evaluateUnit(
  unit: UnitStatus,
  restartsInWindow: number,
  rules: UnitRules,
): { status: CheckStatus; message: string } {
  const state = `${unit.activeState} (${unit.subState})`;
  if (unit.loadState === "not-found") return { status: "down", message: `${unit.id} not found` };
  if (unit.activeState === "failed") {
    return { status: "down", message: `${unit.id} failed (result: ${unit.result || "unknown"})` };
  }
  if (restartsInWindow > rules.max_restarts) {
    return {
      status: "down",
      message: `${unit.id} restarted ${restartsInWindow} times in the last ${rules.windowText}, now ${state}`,
    };
  }
  if (unit.activeState === "inactive") {
    return rules.allow_inactive
      ? { status: "ok", message: `${unit.id} ${state}` }
      : { status: "down", message: `${unit.id} is not running: ${state}` };
  }
  if (unit.activeState === "active" && unit.subState !== "auto-restart") {
    return { status: "ok", message: `${unit.id} ${state}` };
  }
  return { status: "degraded", message: `${unit.id} ${state}, ${unit.restarts} restarts so far` };
}

export interface FailedUnit {
  unit: string;
  load: string;
  active: string;
  sub: string;
  description: string;
}

/** `systemctl list-units --state=failed --output=json` (systemd 246 and later). */
export function parseFailedJson(text: string): FailedUnit[] {
  const rows = JSON.parse(text) as unknown;
  if (!Array.isArray(rows)) throw new Error("list-units JSON is not an array");
  return rows.map((row: Record<string, string>) => ({
    unit: String(row.unit ?? ""),
    load: String(row.load ?? ""),
    active: String(row.active ?? ""),
    sub: String(row.sub ?? ""),
    description: String(row.description ?? ""),
  }));
}

/**
 * The plain table of older systemd (`--plain --no-legend`): `UNIT LOAD ACTIVE SUB DESCRIPTION...`.
 * A leading `●` marker (shown without `--plain`) and legend lines are tolerated.
 */
export function parseFailedPlain(text: string): FailedUnit[] {
  const units: FailedUnit[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\s*[●*]\s*/, "").trim();
    const [unit, load, active, sub, ...description] = line.split(/\s+/);
    if (!unit || !load || !active || !sub || unit === "UNIT" || !unit.includes(".")) continue;
    units.push({ unit, load, active, sub, description: description.join(" ") });
  }
  return units;
}
