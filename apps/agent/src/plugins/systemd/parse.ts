/**
 * Pure interpretation of `systemctl show --property=... <units>` (one `Key=Value` block per unit,
 * blocks separated by a blank line, properties in systemd's order, not the requested one) and of
 * `systemctl list-units --state=failed` in JSON or plain form (text -> data; evaluate.ts judges).
 */

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

/** systemctl's own words when there is no systemd to talk to (containers, WSL1, non-systemd distros). */
export const NO_SYSTEMD =
  /not been booted with systemd|Failed to connect to bus|Failed to get D-Bus connection/i;

/** `nginx` -> `nginx.service`; names with a unit suffix stay as they are. */
export function unitName(name: string): string {
  return /\.(service|socket|timer|mount|automount|path|target|slice|scope|swap|device)$/.test(name)
    ? name
    : `${name}.service`;
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
