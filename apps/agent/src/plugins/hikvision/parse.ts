/**
 * Pure parsers for Hikvision ISAPI replies (text -> data). Namespaces are stripped (devices use
 * `http://www.hikvision.com/ver20/XMLSchema`, newer firmware `http://www.isapi.org/ver20/XMLSchema`,
 * and nested lists may declare ver10), so only local element names matter. No I/O here; the
 * verdict on what they read is evaluate.ts.
 */
import { XMLParser } from "fast-xml-parser";

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});

type Node = Record<string, unknown>;

/** Parses an ISAPI XML body; throws with a short reason when it is not XML with the expected root. */
function parseXml(xml: string, root: string): Node {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (error) {
    throw new Error(`not XML: ${(error as Error).message.split("\n")[0]}`);
  }
  const node = doc[root];
  if (node === undefined) {
    const found = Object.keys(doc).join(", ") || "nothing";
    throw new Error(`expected <${root}>, got ${found}`);
  }
  return node === "" ? {} : (node as Node);
}

const list = (value: unknown): Node[] =>
  value === undefined || value === "" ? [] : (Array.isArray(value) ? value : [value]).filter(isNode);
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null;
const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
const num = (value: unknown): number | undefined => {
  const t = text(value);
  if (t === undefined || t.trim() === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
};
const bool = (value: unknown): boolean | undefined => {
  const t = text(value)?.toLowerCase();
  return t === "true" ? true : t === "false" ? false : undefined;
};

export interface DeviceInfo {
  name?: string;
  model?: string;
  serial?: string;
  firmware?: string;
  firmwareReleased?: string;
  deviceType?: string;
}

/** `/ISAPI/System/deviceInfo` */
export function parseDeviceInfo(xml: string): DeviceInfo {
  const d = parseXml(xml, "DeviceInfo");
  return {
    name: text(d.deviceName),
    model: text(d.model),
    serial: text(d.serialNumber),
    firmware: text(d.firmwareVersion),
    firmwareReleased: text(d.firmwareReleasedDate),
    deviceType: text(d.deviceType),
  };
}

export interface SystemStatus {
  /** Mean of the CPUs' utilization, percent. */
  cpuPercent?: number;
  /** As the device reports it; the unit differs between firmwares (see README). */
  memoryUsage?: number;
  memoryAvailable?: number;
  uptimeSeconds?: number;
}

/** `/ISAPI/System/status` */
export function parseSystemStatus(xml: string): SystemStatus {
  const d = parseXml(xml, "DeviceStatus");
  const cpus = list(isNode(d.CPUList) ? d.CPUList.CPU : undefined)
    .map((c) => num(c.cpuUtilization))
    .filter((v): v is number => v !== undefined);
  const memory = list(isNode(d.MemoryList) ? d.MemoryList.Memory : undefined)[0];
  return {
    cpuPercent: cpus.length ? cpus.reduce((a, b) => a + b, 0) / cpus.length : num(d.cpuUtilization),
    memoryUsage: num(memory?.memoryUsage),
    memoryAvailable: num(memory?.memoryAvailable),
    uptimeSeconds: num(d.deviceUpTime),
  };
}

export interface ChannelStatus {
  id: string;
  online: boolean;
  address?: string;
  /** Hikvision's reason, e.g. `connect`, `notExist`, `netUnreachable`, `offline`. */
  detail?: string;
}

/**
 * `/ISAPI/ContentMgmt/InputProxy/channels/status` (an NVR's IP cameras). Accepts the list or a
 * single `<InputProxyChannelStatus>` (the per-channel endpoint). A channel without `<online>` is
 * judged by `chanDetectResult` (`connect` means online).
 */
export function parseChannelStatus(xml: string): ChannelStatus[] {
  let entries: Node[];
  try {
    entries = list(parseXml(xml, "InputProxyChannelStatusList").InputProxyChannelStatus);
  } catch {
    entries = [parseXml(xml, "InputProxyChannelStatus")];
  }
  const channels: ChannelStatus[] = [];
  for (const entry of entries) {
    const id = text(entry.id);
    if (!id) continue;
    const detail = text(entry.chanDetectResult);
    const online = bool(entry.online) ?? detail === "connect";
    const source = isNode(entry.sourceInputPortDescriptor) ? entry.sourceInputPortDescriptor : {};
    const address = text(source.ipAddress) || text(source.hostName);
    channels.push({ id, online, ...(address ? { address } : {}), ...(detail ? { detail } : {}) });
  }
  return channels;
}

export interface Disk {
  id: string;
  kind: "hdd" | "nas";
  name?: string;
  status: string;
  capacityBytes?: number;
  freeBytes?: number;
}

const MB = 1024 * 1024;

/** `/ISAPI/ContentMgmt/Storage` (hddList and nasList) or `/ISAPI/ContentMgmt/Storage/hdd`. Sizes are MB. */
export function parseStorage(xml: string): Disk[] {
  let hdds: Node[];
  let nases: Node[] = [];
  try {
    const storage = parseXml(xml, "storage");
    hdds = list(isNode(storage.hddList) ? storage.hddList.hdd : undefined);
    nases = list(isNode(storage.nasList) ? storage.nasList.nas : undefined);
  } catch {
    hdds = list(parseXml(xml, "hddList").hdd);
  }
  const disk = (node: Node, kind: Disk["kind"]): Disk | undefined => {
    const id = text(node.id);
    if (!id) return undefined;
    const capacity = num(node.capacity);
    const free = num(node.freeSpace);
    const name = text(node.hddName) || text(node.path);
    return {
      id,
      kind,
      ...(name ? { name } : {}),
      status: text(node.status) ?? "unknown",
      ...(capacity !== undefined ? { capacityBytes: capacity * MB } : {}),
      ...(free !== undefined ? { freeBytes: free * MB } : {}),
    };
  };
  return [...hdds.map((n) => disk(n, "hdd")), ...nases.map((n) => disk(n, "nas"))].filter(
    (d): d is Disk => d !== undefined,
  );
}

export interface TrackRecording {
  /** The camera channel the track records (SrcChannel, else track id / 100). */
  channel: string;
  trackId: string;
  /** The track's record schedule is switched on. A configuration, not proof of bytes on disk. */
  scheduleEnabled: boolean;
  mode?: string;
}

/** `/ISAPI/ContentMgmt/record/tracks`: whether each channel's recording schedule is enabled. */
export function parseRecordTracks(xml: string): TrackRecording[] {
  const tracks = list(parseXml(xml, "TrackList").Track);
  const result: TrackRecording[] = [];
  for (const track of tracks) {
    const trackId = text(track.id);
    if (!trackId) continue;
    const src = isNode(track.SrcDescriptor) ? track.SrcDescriptor : {};
    const fromId = Number.isInteger(Number(trackId)) ? String(Math.floor(Number(trackId) / 100)) : trackId;
    const channel = text(src.SrcChannel) || fromId;
    const extensions = list(
      isNode(track.CustomExtensionList) ? track.CustomExtensionList.CustomExtension : undefined,
    );
    const scheduleFlag = extensions.map((e) => bool(e.enableSchedule)).find((v) => v !== undefined);
    const mode = text(track.DefaultRecordingMode);
    result.push({
      channel,
      trackId,
      scheduleEnabled: scheduleFlag ?? bool(track.Enable) ?? false,
      ...(mode ? { mode } : {}),
    });
  }
  return result;
}
