import { readFileSync } from "node:fs";
import { HIKVISION_OK_DISK_STATES } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { evaluateSnapshot, type Snapshot } from "./evaluate.ts";
import {
  parseChannelStatus,
  parseDeviceInfo,
  parseRecordTracks,
  parseStorage,
  parseSystemStatus,
} from "./parse.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const options = { okDiskStates: HIKVISION_OK_DISK_STATES, requireRecording: false };

describe("evaluateSnapshot", () => {
  const nvr = parseDeviceInfo(fixture("deviceInfo-DS-7608NXI-I2.xml"));
  const allOnline = parseChannelStatus(fixture("channel-status-DS-7708N-I4.xml"));
  const oneOffline = parseChannelStatus(fixture("channels-status-one-offline.xml"));
  const disks = parseStorage(fixture("storage-hdd1_nas1.xml"));
  const failedDisk = parseStorage(
    fixture("storage-hdd1_nas1.xml").replace("<status>ok</status>", "<status>error</status>"),
  );
  const recording = parseRecordTracks(fixture("record-tracks-camera.xml"));
  const notRecording = recording.map((t) => ({ ...t, scheduleEnabled: false }));
  const snap = (parts: Partial<Snapshot>): Snapshot => ({ device: nvr, partialErrors: [], ...parts });

  it.each([
    [
      "all cameras online and disks ok",
      snap({ channels: allOnline, disks }),
      options,
      "ok",
      /1\/1 cameras online, 2\/2 disk\(s\) ok, 96% free/,
    ],
    [
      "a camera offline",
      snap({ channels: oneOffline, disks }),
      options,
      "degraded",
      /1 camera\(s\) offline: channel 2 \(192\.168\.1\.100, notExist\)/,
    ],
    [
      "a disk in error",
      snap({ channels: allOnline, disks: failedDisk }),
      options,
      "degraded",
      /hdd 1 \(hdde\) is error/,
    ],
    ["an NVR without disks", snap({ disks: [] }), options, "degraded", /no disk installed/],
    [
      "recording off but not required",
      snap({ channels: allOnline, recording: notRecording }),
      options,
      "ok",
      /DS-7608NXI-I2/,
    ],
    [
      "recording off when required",
      snap({ channels: allOnline, recording: notRecording }),
      { ...options, requireRecording: true },
      "degraded",
      /recording off for channel\(s\) 1/,
    ],
    [
      "a device offering only deviceInfo",
      snap({}),
      options,
      "ok",
      /^DS-7608NXI-I2\/8P\/S firmware V4\.62\.210$/,
    ],
  ] as const)("judges %s", (_title, snapshot, opts, status, message) => {
    const verdict = evaluateSnapshot(snapshot, opts);
    expect(verdict.status).toBe(status);
    expect(verdict.message).toMatch(message);
  });

  it("reports per-camera, per-disk and recording samples with labels", () => {
    const { samples } = evaluateSnapshot(
      snap({
        channels: oneOffline,
        disks,
        recording,
        status: parseSystemStatus(fixture("status-DS-2CD2T43G2-4I.xml")),
      }),
      options,
    );
    expect(samples).toContainEqual({ name: "hikvision.camera.online", value: 0, labels: { channel: "2" } });
    expect(samples).toContainEqual({ name: "hikvision.cameras.offline", value: 1 });
    expect(samples).toContainEqual({
      name: "hikvision.disk.free_bytes",
      value: 27392 * 1048576,
      labels: { disk: "1", kind: "hdd" },
    });
    expect(samples).toContainEqual({
      name: "hikvision.recording.enabled",
      value: 1,
      labels: { channel: "1" },
    });
    expect(samples).toContainEqual({ name: "hikvision.cpu_percent", value: 89 });
  });
});
