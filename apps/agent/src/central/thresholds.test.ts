import { describe, expect, it } from "vitest";
import { CentralThresholds } from "./thresholds.ts";

describe("central thresholds", () => {
  it("reports a breach only once it has lasted `for`, and starts counting again after a good value", () => {
    const t = new CentralThresholds(
      [{ threshold: { metric: "cpu.percent", crit_above: 90 }, forMs: 60_000 }],
      0,
    );
    t.observe([{ name: "cpu.percent", value: 95, ts: 1_000 }], 1_000);
    expect(t.checks(1_000)[0]).toMatchObject({ monitor: "threshold:cpu.percent", status: "ok" });
    expect(t.checks(30_000)[0]?.message).toContain("for 29 s of 60 s");
    expect(t.checks(61_000)[0]).toMatchObject({
      status: "down",
      message: "cpu.percent = 95 is above crit_above 90",
    });
    t.observe([{ name: "cpu.percent", value: 10, ts: 62_000 }], 62_000);
    expect(t.checks(62_000)[0]?.status).toBe("ok");
    t.observe([{ name: "cpu.percent", value: 99, ts: 63_000 }], 63_000);
    expect(t.checks(63_000)[0]?.status).toBe("ok");
  });

  it("reports at once without `for`, names checks as configured and catches a metric that stopped", () => {
    const t = new CentralThresholds(
      [
        { threshold: { metric: "disk.used_percent", warn_above: 80, name: "disk" }, forMs: undefined },
        { threshold: { metric: "backup.age", missing_after: 10_000 }, forMs: undefined },
      ],
      0,
    );
    t.observe([{ name: "disk.used_percent", value: 85, labels: { mount: "/" } }], 5_000);
    const [disk, backup] = t.checks(11_000);
    expect(disk).toMatchObject({ monitor: "disk", status: "degraded" });
    expect(backup).toMatchObject({ monitor: "threshold:backup.age", status: "down" });
  });
});
