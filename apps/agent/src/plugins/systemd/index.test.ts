import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../types.ts";
import { fakeTool, testContext } from "../ups/test-context.ts";
import { type SystemdClock, systemdPlugin } from "./index.ts";

const fixtures = join(import.meta.dirname, "fixtures");
/**
 * The host's clocks `laterMs` after the first recording (show-four-units.txt, 04:33:59 UTC, see
 * fixtures/README.md): CLOCK_MONOTONIC was then about 1101 s, 1 s after flaky.service's last
 * start at 1099.92 s and 14 s after web.service's at 1086.52 s. Never the test machine's clock:
 * its monotonic time depends on when it booted.
 */
const RECORDED_AT = Date.UTC(2026, 10, 22, 4, 33, 59);
const recordedClock = (laterMs = 0): SystemdClock => ({
  wallMs: () => RECORDED_AT + laterMs,
  monotonicUs: () => 1_101_000_000 + laterMs * 1_000,
});
const plugin = systemdPlugin(recordedClock());
const config = (input: Record<string, unknown>) => plugin.configSchema.parse(input);
const signal = () => new AbortController().signal;

/** A fake systemctl that logs its arguments and answers `show` and `list-units` with recordings. */
async function fakeSystemctl(show: string, listUnits = `cat "${fixtures}/list-failed.json"`) {
  const dir = await fakeTool(
    "systemctl",
    `echo "$@" >> "$(dirname "$0")/calls.log"
case "$1" in
  show) ${show} ;;
  list-units) ${listUnits} ;;
  *) exit 1 ;;
esac`,
  );
  return { dir, calls: async () => (await readFile(join(dir, "calls.log"), "utf8")).trim().split("\n") };
}

describe("systemd runner", () => {
  it("asks for all units in one systemctl show call and reports each", async () => {
    const fake = await fakeSystemctl(`cat "${fixtures}/show-four-units.txt"`);
    const ctx = testContext({ path: fake.dir, monitorName: "systemd" });
    const instance = await plugin.create(config({ units: ["web", "flaky", "broken", "nosuch"] }), ctx);
    const { checks, samples } = await instance.collect(signal());

    expect(await fake.calls()).toEqual([
      "show --property=Id,LoadState,ActiveState,SubState,Result,NRestarts,ActiveEnterTimestamp,ActiveEnterTimestampMonotonic,StateChangeTimestamp,StateChangeTimestampMonotonic --no-pager -- web.service flaky.service broken.service nosuch.service",
    ]);
    expect(checks.map((c) => [c.monitor, c.status])).toEqual([
      ["systemd:web", "ok"],
      ["systemd:flaky", "ok"],
      ["systemd:broken", "down"],
      ["systemd:nosuch", "down"],
    ]);
    expect(checks[0]?.message).toBe("web.service active (running) for 14s");
    expect(samples).toContainEqual({
      name: "systemd.unit.restarts",
      value: 6,
      labels: { unit: "flaky.service" },
    });
    expect(samples).toContainEqual({
      name: "systemd.unit.failed",
      value: 1,
      labels: { unit: "broken.service" },
    });
    expect(samples).toContainEqual({
      name: "systemd.unit.active",
      value: 1,
      labels: { unit: "web.service" },
    });
    expect(
      samples.filter((s) => s.name === "systemd.unit.state_seconds").map((s) => [s.labels?.unit, s.value]),
    ).toEqual([
      ["web.service", 14],
      ["flaky.service", 1],
      ["broken.service", 14],
    ]);
  });

  it("leaves out the time in state when the host's monotonic clock is behind the unit's timestamps", async () => {
    const fake = await fakeSystemctl(`cat "${fixtures}/show-four-units.txt"`);
    const bootedTwoMinutesAgo = { wallMs: () => Date.UTC(2026, 11, 5), monotonicUs: () => 120_000_000 };
    const instance = await systemdPlugin(bootedTwoMinutesAgo).create(
      config({ units: ["web"] }),
      testContext({ path: fake.dir, monitorName: "systemd" }),
    );
    const { checks, samples } = await instance.collect(signal());
    expect(checks).toEqual([
      expect.objectContaining({
        monitor: "systemd:web",
        status: "ok",
        message: "web.service active (running)",
      }),
    ]);
    expect(samples.map((s) => s.name)).not.toContain("systemd.unit.state_seconds");
  });

  it("turns a restart loop seen across collections into down, using the kept NRestarts", async () => {
    const ctx = testContext({ monitorName: "systemd" });
    for (const [file, block, laterMs] of [
      ["show-four-units.txt", 2, 0],
      ["show-flaky-later.txt", 1, 4_000],
      ["show-stopped-and-restarting.txt", 2, 9_000],
    ] as const) {
      // print only flaky.service's block of each recording, at the time it was recorded
      const fake = await fakeSystemctl(`awk -v RS= -v n=${block} 'NR==n' "${fixtures}/${file}"`);
      const instance = await systemdPlugin(recordedClock(laterMs)).create(
        config({ units: ["flaky"], max_restarts: 3, command: join(fake.dir, "systemctl") }),
        ctx,
      );
      const { checks } = await instance.collect(signal());
      if (file === "show-stopped-and-restarting.txt") {
        expect(checks[0]).toMatchObject({
          status: "down",
          message: expect.stringMatching(
            /^flaky\.service restarted 4 times in the last 10m, now activating \(auto-restart\)/,
          ),
        });
      }
    }
    expect(ctx.stored.get("restarts")).toEqual({
      "flaky.service": [
        [RECORDED_AT, 6],
        [RECORDED_AT + 4_000, 8],
        [RECORDED_AT + 9_000, 10],
      ],
    });
  });

  it("lists failed units with JSON output when all_failed is set", async () => {
    const fake = await fakeSystemctl("exit 1");
    const instance = await plugin.create(
      config({ all_failed: true }),
      testContext({ path: fake.dir, monitorName: "systemd" }),
    );
    const { checks, samples } = await instance.collect(signal());
    expect(await fake.calls()).toEqual(["list-units --state=failed --output=json --no-pager"]);
    expect(checks).toEqual([
      { monitor: "systemd:failed-units", status: "down", message: "1 failed: broken.service" },
    ]);
    expect(samples).toEqual([{ name: "systemd.failed_units", value: 1 }]);
  });

  it("falls back to the plain table when systemctl rejects --output=json", async () => {
    const fake = await fakeSystemctl(
      "exit 1",
      `case "$*" in *json*) echo "unsupported option" >&2; exit 1 ;; *) cat "${fixtures}/list-failed-plain.txt" ;; esac`,
    );
    const instance = await plugin.create(
      config({ all_failed: true }),
      testContext({ path: fake.dir, monitorName: "systemd" }),
    );
    const { checks } = await instance.collect(signal());
    expect((await fake.calls())[1]).toBe("list-units --state=failed --plain --no-legend --no-pager");
    expect(checks[0]).toMatchObject({ status: "down", message: "1 failed: broken.service" });
  });

  it("reads the table when an old systemctl ignores --output=json", async () => {
    const fake = await fakeSystemctl("exit 1", `cat "${fixtures}/list-failed-table.txt"`);
    const instance = await plugin.create(config({ all_failed: true }), testContext({ path: fake.dir }));
    const { checks } = await instance.collect(signal());
    expect(checks[0]).toMatchObject({ status: "down", message: "1 failed: broken.service" });
  });

  it("is unsupported with systemctl's reason when systemd is not PID 1", async () => {
    const fake = await fakeSystemctl(`cat "${fixtures}/no-systemd.stderr.txt" >&2; exit 1`);
    const instance = await plugin.create(config({ units: ["nginx"] }), testContext({ path: fake.dir }));
    const attempt = instance.collect(signal());
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedError);
    await expect(attempt).rejects.toThrow(
      "systemd is not running here: System has not been booted with systemd as init system (PID 1). Can't operate.",
    );
  });

  it("is unsupported when systemctl is not installed", async () => {
    const instance = await plugin.create(
      config({ units: ["nginx"], command: "/nonexistent/systemctl" }),
      testContext(),
    );
    await expect(instance.collect(signal())).rejects.toThrow(/not installed.*does not run systemd/);
  });

  it("reports every unit down when systemctl show times out", async () => {
    const fake = await fakeSystemctl("exec sleep 5");
    const instance = await plugin.create(
      config({ units: ["a", "b"] }),
      testContext({ path: fake.dir, timeoutMs: 300, monitorName: "systemd" }),
    );
    const { checks } = await instance.collect(signal());
    expect(checks).toEqual([
      expect.objectContaining({
        monitor: "systemd:a",
        status: "down",
        message: "systemctl show: systemctl timed out after 300 ms",
      }),
      expect.objectContaining({ monitor: "systemd:b", status: "down" }),
    ]);
  });

  it.each([
    [{}, "units", "list units or set all_failed: true"],
    [{ units: ["x"], max_restart: 2 }, "", "max_restart"],
    [{ units: ["x"], restart_window: "soon" }, "restart_window", "invalid duration"],
  ])("rejects config %j naming the key", (input, path, message) => {
    const parsed = plugin.configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues.filter((i) => i.path.join(".") === path))).toContain(message);
  });
});
