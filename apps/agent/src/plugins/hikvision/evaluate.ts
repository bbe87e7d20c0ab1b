/**
 * Pure verdict on a Hikvision device snapshot (data -> verdict): the samples, the offline cameras,
 * unhealthy disks and recording switched off. parse.ts reads the ISAPI replies into the snapshot.
 */
import type { CheckStatus } from "@custos/protocol";
import type { Sample } from "../types.ts";
import type { ChannelStatus, DeviceInfo, Disk, SystemStatus, TrackRecording } from "./parse.ts";

/** What one collection saw; a part is undefined when the device does not offer that endpoint. */
export interface Snapshot {
  device: DeviceInfo;
  status?: SystemStatus;
  channels?: ChannelStatus[];
  disks?: Disk[];
  recording?: TrackRecording[];
  /** Endpoints that failed for another reason than "not supported", with the reason. */
  partialErrors: string[];
}

interface EvaluateOptions {
  /** Disk states that count as healthy. */
  okDiskStates: readonly string[];
  /** Degraded when an online camera's recording schedule is off. */
  requireRecording: boolean;
}

export function evaluateSnapshot(
  snapshot: Snapshot,
  options: EvaluateOptions,
): { status: CheckStatus; message: string; samples: Sample[] } {
  const samples: Sample[] = [{ name: "hikvision.up", value: 1 }];
  const problems: string[] = [];
  const facts: string[] = [];
  const { device, status, channels, disks, recording } = snapshot;

  if (status?.cpuPercent !== undefined)
    samples.push({ name: "hikvision.cpu_percent", value: round2(status.cpuPercent) });
  if (status?.memoryUsage !== undefined)
    samples.push({ name: "hikvision.memory.usage", value: status.memoryUsage });
  if (status?.memoryAvailable !== undefined) {
    samples.push({ name: "hikvision.memory.available", value: status.memoryAvailable });
  }
  if (status?.uptimeSeconds !== undefined)
    samples.push({ name: "hikvision.uptime_seconds", value: status.uptimeSeconds });

  if (channels) {
    const offline = channels.filter((c) => !c.online);
    samples.push(
      { name: "hikvision.cameras.total", value: channels.length },
      { name: "hikvision.cameras.online", value: channels.length - offline.length },
      { name: "hikvision.cameras.offline", value: offline.length },
      ...channels.map((c) => ({
        name: "hikvision.camera.online",
        value: c.online ? 1 : 0,
        labels: { channel: c.id },
      })),
    );
    facts.push(`${channels.length - offline.length}/${channels.length} cameras online`);
    if (offline.length > 0) {
      const described = offline.map((c) => {
        const extra = [c.address, c.detail].filter(Boolean).join(", ");
        return `channel ${c.id}${extra ? ` (${extra})` : ""}`;
      });
      problems.push(`${offline.length} camera(s) offline: ${described.join("; ")}`);
    }
  }

  if (disks) {
    for (const disk of disks) {
      const labels = { disk: disk.id, kind: disk.kind };
      const healthy = options.okDiskStates.includes(disk.status);
      samples.push({ name: "hikvision.disk.ok", value: healthy ? 1 : 0, labels });
      if (disk.capacityBytes !== undefined)
        samples.push({ name: "hikvision.disk.capacity_bytes", value: disk.capacityBytes, labels });
      if (disk.freeBytes !== undefined)
        samples.push({ name: "hikvision.disk.free_bytes", value: disk.freeBytes, labels });
      if (!healthy)
        problems.push(`${disk.kind} ${disk.id}${disk.name ? ` (${disk.name})` : ""} is ${disk.status}`);
    }
    const isRecorder = /NVR|DVR/i.test(device.deviceType ?? "");
    if (disks.length === 0 && isRecorder) problems.push("no disk installed: nothing is being recorded");
    const healthyDisks = disks.filter((d) => options.okDiskStates.includes(d.status));
    const capacity = healthyDisks.reduce((sum, d) => sum + (d.capacityBytes ?? 0), 0);
    const free = healthyDisks.reduce((sum, d) => sum + (d.freeBytes ?? 0), 0);
    if (disks.length > 0) {
      facts.push(
        `${healthyDisks.length}/${disks.length} disk(s) ok${capacity > 0 ? `, ${Math.round((free / capacity) * 100)}% free` : ""}`,
      );
    }
  }

  if (recording) {
    for (const track of recording) {
      samples.push({
        name: "hikvision.recording.enabled",
        value: track.scheduleEnabled ? 1 : 0,
        labels: { channel: track.channel },
      });
    }
    if (options.requireRecording) {
      const onlineIds = channels ? new Set(channels.filter((c) => c.online).map((c) => c.id)) : undefined;
      const off = recording.filter((t) => !t.scheduleEnabled && (!onlineIds || onlineIds.has(t.channel)));
      if (off.length > 0)
        problems.push(`recording off for channel(s) ${off.map((t) => t.channel).join(", ")}`);
    }
  }

  const title = [device.model ?? "Hikvision device", device.firmware ? `firmware ${device.firmware}` : ""]
    .filter(Boolean)
    .join(" ");
  if (problems.length > 0)
    return { status: "degraded", message: `${title}: ${problems.join("; ")}`, samples };
  const notes = snapshot.partialErrors.length ? [`unread: ${snapshot.partialErrors.join("; ")}`] : [];
  return { status: "ok", message: [title, ...facts, ...notes].join(", "), samples };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
