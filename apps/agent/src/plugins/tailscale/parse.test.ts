import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStatus } from "./parse.ts";

const recorded = readFileSync(join(import.meta.dirname, "fixtures", "status-running.json"), "utf8");

describe("reading a recorded tailscale status --json", () => {
  const status = parseStatus(recorded);

  it("reads the backend, this node and the peers", () => {
    expect(status).toMatchObject({
      version: "1.84.0-t160c11f37-gbf6042458",
      backendState: "Running",
      selfOnline: true,
      selfName: "ip-172-31-27-131.tail2528d1.ts.net",
      health: [],
      exitNode: undefined,
    });
    expect(status.peers.map((p) => [p.hostName, p.dnsName, p.online])).toEqual([
      ["localhost", "xiaomi-22031116ai.tail2528d1.ts.net", false],
      ["pgshospital", "pgshospital.tail2528d1.ts.net", false],
    ]);
  });

  it("treats Go's zero time as never", () => {
    expect(status.peers[1]?.lastHandshake).toBeUndefined();
    expect(status.peers[1]?.lastSeen).toBe(Date.parse("2025-07-10T16:18:02.1Z"));
  });

  it("rejects output that is not a status", () => {
    expect(() => parseStatus("{}")).toThrow(/BackendState missing/);
  });
});
