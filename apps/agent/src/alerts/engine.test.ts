import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../log.ts";
import { openStore, type Store } from "../store/store.ts";
import { AlertEngine } from "./engine.ts";
import { DEFAULT_ALERT_POLICY, type Observation } from "./state-machine.ts";

const dirs: string[] = [];
const open: Store[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function statePath(): string {
  const dir = mkdtempSync(join(tmpdir(), "custos-engine-"));
  dirs.push(dir);
  return join(dir, "state.db");
}

function engineOn(path: string, channels = [{ key: "slack:1", type: "slack" }]) {
  const store = openStore(path);
  open.push(store);
  const engine = new AlertEngine({
    store,
    serverName: "web-1",
    serverId: () => "srv-1",
    policy: DEFAULT_ALERT_POLICY,
    channels,
    log: silentLogger,
  });
  const check = (status: Observation["status"], ts: number) =>
    store.transaction(() =>
      engine.observe({
        monitor: "http:api",
        parent: "http:api",
        type: "http",
        status,
        ts,
        message: `${status} at ${ts}`,
      }),
    );
  return { store, engine, check };
}

describe("alert engine", () => {
  it("queues one delivery per channel when a monitor goes down, with the incident key", () => {
    const { store, check } = engineOn(statePath(), [
      { key: "slack:1", type: "slack" },
      { key: "email:1", type: "email" },
    ]);
    check("down", 1_000);
    expect(store.alerts.recent(10)).toHaveLength(0);
    check("down", 11_000);
    const [alert] = store.alerts.recent(10);
    expect(alert).toMatchObject({
      state: "down",
      monitor: "http:api",
      incidentKey: "srv-1:http:api:1970-01-01T00:00:01.000Z",
      title: "DOWN: http:api on web-1",
    });
    expect(alert?.deliveries.map((d) => d.channelType)).toEqual(["slack", "email"]);
  });

  it("does not alert again after a restart for a state that was already alerted, and restores later", () => {
    const path = statePath();
    const first = engineOn(path);
    first.check("down", 1_000);
    first.check("down", 11_000);
    first.store.close();

    const second = engineOn(path);
    second.check("down", 21_000);
    second.check("down", 31_000);
    expect(second.store.alerts.recent(10).map((a) => a.state)).toEqual(["down"]);
    second.check("ok", 193_000);
    expect(second.store.alerts.recent(10).map((a) => a.state)).toEqual(["down"]);
    second.check("ok", 203_000);
    const [restored] = second.store.alerts.recent(1);
    expect(restored).toMatchObject({
      state: "restored",
      durationMs: 192_000,
      incidentKey: "srv-1:http:api:1970-01-01T00:00:01.000Z",
    });
    expect(restored?.body).toContain("restored after 3m 12s");
  });

  it("reports straight to the backend when no local channel is configured", () => {
    const { store, check } = engineOn(statePath(), []);
    check("down", 1_000);
    check("down", 2_000);
    const batch = store.outbox.nextBatch("alerts", 3_000);
    expect(JSON.parse(batch?.payloads[0] ?? "{}")).toMatchObject({
      incident_key: "srv-1:http:api:1970-01-01T00:00:01.000Z",
      monitor: "http:api",
      state: "down",
      channels: [],
    });
  });

  it("alerts once when the backend is unreachable and once when it is back", () => {
    const { store, engine } = engineOn(statePath());
    engine.backendUnreachable(1_000, 301_000, "fetch failed");
    engine.backendUnreachable(1_000, 302_000, "fetch failed");
    engine.backendReachable(400_000);
    engine.backendReachable(401_000);
    const alerts = store.alerts.recent(10).reverse();
    expect(alerts.map((a) => [a.monitor, a.state])).toEqual([
      ["custos-backend", "backend_unreachable"],
      ["custos-backend", "restored"],
    ]);
    expect(alerts[1]?.body).toContain("restored after 6m 39s");
  });
});
