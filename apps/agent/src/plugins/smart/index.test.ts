import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../types.ts";
import { fakeTool, testContext } from "../ups/test-context.ts";
import { plugin } from "./index.ts";

const fixtures = join(import.meta.dirname, "fixtures");
const config = (input: Record<string, unknown>) => plugin.configSchema.parse(input);
const signal = () => new AbortController().signal;

/**
 * A fake smartctl answering with recordings and exiting with the recorded exit_status, as the
 * real one does (the status is a bit mask, so 64 and 216 come with full JSON on stdout).
 */
async function fakeSmartctl(byDevice: Record<string, string>, scan = "scan.json") {
  const cases = Object.entries(byDevice)
    .map(([device, file]) => `  *" ${device}") f="${fixtures}/${file}" ;;`)
    .join("\n");
  return fakeTool(
    "smartctl",
    `echo "$@" >> "$(dirname "$0")/calls.log"
case " $*" in
  *--scan*) f="${fixtures}/${scan}" ;;
${cases}
  *) echo "no recording for $*" >&2; exit 2 ;;
esac
cat "$f"
exit "$(sed -n 's/.*"exit_status": \\([0-9]*\\).*/\\1/p' "$f")"`,
  );
}

describe("smart runner", () => {
  it("discovers disks with smartctl --scan and checks each with its -d type", async () => {
    const dir = await fakeSmartctl({ "/dev/sda": "sda.json", "/dev/nvme0": "nvme0.json" });
    const ctx = testContext({ path: dir, monitorName: "smart" });
    const instance = await plugin.create(config({}), ctx);
    const { checks, samples } = await instance.collect(signal());

    const calls = (await readFile(join(dir, "calls.log"), "utf8")).trim().split("\n").sort();
    expect(calls).toEqual(["--json -a -d nvme /dev/nvme0", "--json -a -d sat /dev/sda", "--scan --json"]);
    expect(checks.map((c) => [c.monitor, c.status])).toEqual([
      ["smart:sda", "ok"],
      ["smart:nvme0", "ok"],
    ]);
    expect(samples).toContainEqual({ name: "smart.temperature_c", value: 31, labels: { device: "sda" } });
    expect(samples).toContainEqual({
      name: "smart.reallocated_sectors",
      value: 0,
      labels: { device: "sda" },
    });
    expect(samples).toContainEqual({
      name: "smart.nvme.percentage_used",
      value: 0,
      labels: { device: "nvme0" },
    });
    expect(ctx.stored.get("sectors")).toEqual({
      "/dev/sda": { reallocated: 0, pending: 0, offlineUncorrectable: 0, mediaErrors: undefined },
      "/dev/nvme0": { mediaErrors: 0 },
    });
  });

  it("is down for a failing disk even though smartctl exits non-zero with data", async () => {
    const dir = await fakeSmartctl({ "/dev/sdc": "sdc-hdd-failing.json" });
    const instance = await plugin.create(
      config({ devices: [{ path: "/dev/sdc", type: "sat" }] }),
      testContext({ path: dir, monitorName: "smart" }),
    );
    const { checks, samples } = await instance.collect(signal());
    expect(checks[0]).toMatchObject({
      monitor: "smart:sdc",
      status: "down",
      message: expect.stringContaining("SMART health check FAILED"),
    });
    expect(samples).toContainEqual({ name: "smart.health_passed", value: 0, labels: { device: "sdc" } });
    expect(samples).toContainEqual({ name: "smart.pending_sectors", value: 8, labels: { device: "sdc" } });
  });

  it("is degraded in the check where bad-sector counts rose, comparing with the counts kept in state", async () => {
    // The disk grows 3 reallocated sectors between the first and second check.
    const dir = await fakeTool(
      "smartctl",
      `if [ -f "$(dirname "$0")/grown" ]; then
  node -e 'const j = require(process.argv[1]); j.ata_smart_attributes.table.find((a) => a.id === 5).raw = { value: 3, string: "3" }; console.log(JSON.stringify(j))' "${fixtures}/sda.json"
else
  cat "${fixtures}/sda.json"
fi
exit 64`,
    );
    const ctx = testContext({ path: dir });
    const instance = await plugin.create(config({ devices: ["/dev/sda"] }), ctx);
    expect((await instance.collect(signal())).checks[0]?.status).toBe("ok");
    await writeFile(join(dir, "grown"), "");
    expect((await instance.collect(signal())).checks[0]).toMatchObject({
      status: "degraded",
      message: "/dev/sda (P3-2TB): reallocated sectors rose from 0 to 3",
    });
    // Stable at 3, under max_reallocated_sectors (10): fine again.
    expect((await instance.collect(signal())).checks[0]?.status).toBe("ok");
    expect(ctx.stored.get("sectors")).toMatchObject({ "/dev/sda": { reallocated: 3 } });
  });

  it("is down for a device that cannot be opened", async () => {
    const dir = await fakeSmartctl({ "/dev/sdz": "sdz-missing.json" });
    const instance = await plugin.create(
      config({ devices: ["/dev/sdz"] }),
      testContext({ path: dir, monitorName: "smart" }),
    );
    const { checks } = await instance.collect(signal());
    expect(checks).toEqual([
      expect.objectContaining({
        monitor: "smart:sdz",
        status: "down",
        message: "smartctl /dev/sdz: Smartctl open device: /dev/sdz failed: No such device",
      }),
    ]);
  });

  it("is unsupported with the sudo/capability advice when smartctl may not open the disk", async () => {
    const dir = await fakeSmartctl({ "/tmp/custos-disk": "permission-denied.json" });
    const instance = await plugin.create(
      config({ devices: [{ path: "/tmp/custos-disk", type: "sat" }] }),
      testContext({ path: dir }),
    );
    const attempt = instance.collect(signal());
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedError);
    await expect(attempt).rejects.toThrow(/needs root or CAP_SYS_RAWIO.*Permission denied/);
  });

  it("is unsupported when the scan finds no disks", async () => {
    const dir = await fakeSmartctl({}, "scan-none.json");
    const instance = await plugin.create(config({}), testContext({ path: dir }));
    await expect(instance.collect(signal())).rejects.toThrow(
      "smartctl --scan found no disks (a virtual machine or container?)",
    );
  });

  it("is unsupported when smartctl is not installed", async () => {
    const instance = await plugin.create(
      config({ devices: ["/dev/sda"], command: "/nonexistent/smartctl" }),
      testContext(),
    );
    await expect(instance.collect(signal())).rejects.toThrow(/not installed.*apt install smartmontools/);
  });

  it("is down for the disk whose smartctl hangs past the timeout", async () => {
    const dir = await fakeTool("smartctl", "exec sleep 5");
    const instance = await plugin.create(
      config({ devices: ["/dev/sda"] }),
      testContext({ path: dir, timeoutMs: 300, monitorName: "smart" }),
    );
    const { checks } = await instance.collect(signal());
    expect(checks).toEqual([
      expect.objectContaining({
        monitor: "smart:sda",
        status: "down",
        message: "smartctl /dev/sda: smartctl timed out after 300 ms",
      }),
    ]);
  });

  it("rejects a relative device path and unknown keys by name", () => {
    expect(plugin.configSchema.safeParse({ devices: ["sda"] }).error?.issues[0]?.path).toEqual([
      "devices",
      0,
    ]);
    expect(plugin.configSchema.safeParse({ device: ["/dev/sda"] }).error?.issues[0]?.message).toMatch(
      /device/,
    );
  });
});
