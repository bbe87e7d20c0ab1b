/**
 * Pure parsers of `smartctl --json -a <device>` (ATA/SATA and NVMe) and of
 * `smartctl --scan --json` (text -> data; evaluate.ts judges the reading). smartctl's exit
 * status is a bit mask (smartctl(8), "RETURN VALUES"): bits 0-1 mean the command itself failed,
 * the other bits describe the disk.
 */

interface ExitBits {
  /** Bit 0: command line did not parse. */
  badCommandLine: boolean;
  /** Bit 1: device open failed (missing, permission, or in a low-power mode). */
  openFailed: boolean;
  /** Bit 2: some SMART or ATA command failed, or a checksum error. */
  commandFailed: boolean;
  /** Bit 3: SMART status check returned "DISK FAILING". */
  diskFailing: boolean;
  /** Bit 4: prefail attributes at or below threshold. */
  prefailBelowThreshold: boolean;
  /** Bit 5: usage or prefail attributes were at or below threshold in the past. */
  pastBelowThreshold: boolean;
  /** Bit 6: the device error log has records. */
  errorLog: boolean;
  /** Bit 7: the self-test log has errors. */
  selfTestErrors: boolean;
}

export function exitBits(code: number): ExitBits {
  const bit = (n: number) => (code & (1 << n)) !== 0;
  return {
    badCommandLine: bit(0),
    openFailed: bit(1),
    commandFailed: bit(2),
    diskFailing: bit(3),
    prefailBelowThreshold: bit(4),
    pastBelowThreshold: bit(5),
    errorLog: bit(6),
    selfTestErrors: bit(7),
  };
}

export interface SmartReading {
  /** Device path as smartctl names it, e.g. /dev/sda. */
  device: string;
  protocol: string;
  model?: string;
  serial?: string;
  exitStatus: number;
  /** smartctl's error messages (severity "error"). */
  errors: string[];
  /** Overall health self-assessment; undefined when smartctl could not read it. */
  passed?: boolean;
  temperatureC?: number;
  powerOnHours?: number;
  /** ATA attribute 5 raw value. */
  reallocatedSectors?: number;
  /** ATA attribute 197 raw value. */
  pendingSectors?: number;
  /** ATA attribute 198 raw value. */
  offlineUncorrectable?: number;
  nvme?: {
    percentageUsed?: number;
    mediaErrors?: number;
    criticalWarning?: number;
    availableSparePercent?: number;
  };
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});
const numberOr = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

function attribute(table: unknown, id: number): Json | undefined {
  if (!Array.isArray(table)) return undefined;
  return table.map(obj).find((row) => row.id === id);
}

/** Raw value of an ATA attribute. Where vendors pack extra fields into the raw number, the leading number of raw.string is the reading. */
function rawValue(row: Json | undefined): number | undefined {
  if (!row) return undefined;
  const raw = obj(row.raw);
  const text = typeof raw.string === "string" ? raw.string : "";
  const leading = /^\s*(\d+)/.exec(text);
  if (leading) return Number(leading[1]);
  return numberOr(raw.value);
}

export function parseSmartctl(text: string): SmartReading {
  const json = JSON.parse(text) as Json;
  const smartctl = obj(json.smartctl);
  const device = obj(json.device);
  const messages = Array.isArray(smartctl.messages) ? smartctl.messages.map(obj) : [];
  const table = obj(json.ata_smart_attributes).table;
  const nvmeLog = json.nvme_smart_health_information_log
    ? obj(json.nvme_smart_health_information_log)
    : undefined;
  const status = json.smart_status ? obj(json.smart_status) : undefined;

  return {
    device: typeof device.name === "string" ? device.name : "",
    protocol: typeof device.protocol === "string" ? device.protocol : "",
    model: typeof json.model_name === "string" ? json.model_name : undefined,
    serial: typeof json.serial_number === "string" ? json.serial_number : undefined,
    exitStatus: numberOr(smartctl.exit_status) ?? 0,
    errors: messages.filter((m) => m.severity === "error").map((m) => String(m.string)),
    passed: typeof status?.passed === "boolean" ? status.passed : undefined,
    temperatureC:
      numberOr(obj(json.temperature).current) ??
      numberOr(nvmeLog?.temperature) ??
      rawValue(attribute(table, 194)),
    powerOnHours:
      numberOr(obj(json.power_on_time).hours) ??
      numberOr(nvmeLog?.power_on_hours) ??
      rawValue(attribute(table, 9)),
    reallocatedSectors: rawValue(attribute(table, 5)),
    pendingSectors: rawValue(attribute(table, 197)),
    offlineUncorrectable: rawValue(attribute(table, 198)),
    nvme: nvmeLog
      ? {
          percentageUsed: numberOr(nvmeLog.percentage_used),
          mediaErrors: numberOr(nvmeLog.media_errors),
          criticalWarning: numberOr(nvmeLog.critical_warning),
          availableSparePercent: numberOr(nvmeLog.available_spare),
        }
      : undefined,
  };
}

export interface ScannedDevice {
  path: string;
  type?: string;
}

/** `smartctl --scan --json`: the devices smartctl would look at, with the `-d` type it chose. */
export function parseScan(text: string): ScannedDevice[] {
  const json = JSON.parse(text) as Json;
  if (!Array.isArray(json.devices)) return [];
  return json.devices
    .map(obj)
    .filter((d) => typeof d.name === "string")
    .map((d) => ({ path: String(d.name), type: typeof d.type === "string" ? d.type : undefined }));
}
