import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  parseChannelStatus,
  parseDeviceInfo,
  parseRecordTracks,
  parseStorage,
  parseSystemStatus,
} from "./parse.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

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
