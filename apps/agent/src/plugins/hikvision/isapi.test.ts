import { readFileSync } from "node:fs";
import { HIKVISION_OK_DISK_STATES } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import {
  evaluateSnapshot,
  parseChannelStatus,
  parseDeviceInfo,
  parseRecordTracks,
  parseStorage,
  parseSystemStatus,
  type Snapshot,
} from "./isapi.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const options = { okDiskStates: HIKVISION_OK_DISK_STATES, requireRecording: false };

describe("ISAPI parsers on recorded replies", () => {
  it.each([
    [
      "deviceInfo-DS-7608NXI-I2.xml",
      { name: "nvr", model: "DS-7608NXI-I2/8P/S", firmware: "V4.62.210", deviceType: "NVR" },
    ],
    [
      "deviceInfo-DS-2CD2T43G2-4I.xml",
      { name: "DS-2CD2T43G2-4I", model: "DS-2CD2T43G2-4I", firmware: "V5.7.18", deviceType: "IPCamera" },
    ],
  ])("reads model and firmware from %s whatever its namespace", (name, expected) => {
    expect(parseDeviceInfo(fixture(name))).toMatchObject(expected);
  });

  it("reads CPU, memory and uptime from /ISAPI/System/status", () => {
    expect(parseSystemStatus(fixture("status-DS-2CD2T43G2-4I.xml"))).toEqual({
      cpuPercent: 89,
      memoryUsage: 86,
      memoryAvailable: 33424,
      uptimeSeconds: 513477,
    });
  });

  it("reads each camera channel online or offline, with its address and Hikvision's reason", () => {
    expect(parseChannelStatus(fixture("channels-status-one-offline.xml"))).toEqual([
      { id: "1", online: true, address: "192.168.1.64", detail: "connect" },
      { id: "2", online: false, address: "192.168.1.100", detail: "notExist" },
    ]);
  });

  it("reads a single channel status element as one channel", () => {
    expect(parseChannelStatus(fixture("channel-status-DS-7708N-I4.xml"))).toEqual([
      { id: "1", online: true, detail: "connect" },
    ]);
  });

  it("reads local disks and NAS with sizes in bytes", () => {
    expect(parseStorage(fixture("storage-hdd1_nas1.xml"))).toEqual([
      {
        id: "1",
        kind: "hdd",
        name: "hdde",
        status: "ok",
        capacityBytes: 30436 * 1048576,
        freeBytes: 27392 * 1048576,
      },
      {
        id: "9",
        kind: "nas",
        name: "/pub/hik",
        status: "ok",
        capacityBytes: 122346 * 1048576,
        freeBytes: 119552 * 1048576,
      },
    ]);
  });

  it("reads the recording schedule of each track and maps it to its camera channel", () => {
    expect(parseRecordTracks(fixture("record-tracks-camera.xml"))).toEqual([
      { channel: "1", trackId: "101", scheduleEnabled: true, mode: "CMR" },
    ]);
  });

  it.each([
    ["<html>Not found</html>", /expected <DeviceInfo>, got html/],
    ["", /expected <DeviceInfo>, got nothing/],
  ])("explains a reply that is not the expected XML: %j", (xml, message) => {
    expect(() => parseDeviceInfo(xml)).toThrow(message);
  });
});

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
