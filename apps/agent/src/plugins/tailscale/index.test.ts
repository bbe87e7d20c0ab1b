import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../types.ts";
import { fakeTool, testContext } from "../ups/test-context.ts";
import { plugin } from "./index.ts";

const fixtures = join(import.meta.dirname, "fixtures");
const config = (input: Record<string, unknown>) => plugin.configSchema.parse(input);
const signal = () => new AbortController().signal;

describe("tailscale runner", () => {
  it("runs tailscale status --json and reports the node, peers and listed peers", async () => {
    const dir = await fakeTool(
      "tailscale",
      `echo "$@" > "$(dirname "$0")/args"; cat "${fixtures}/status-running.json"`,
    );
    const instance = await plugin.create(
      config({ peers: ["pgshospital"], socket: "/run/ts.sock" }),
      testContext({ path: dir, monitorName: "tailscale" }),
    );
    const { samples, checks } = await instance.collect(signal());
    expect((await readFile(join(dir, "args"), "utf8")).trim()).toBe("--socket=/run/ts.sock status --json");
    expect(checks).toEqual([
      expect.objectContaining({ status: "ok", message: "Running, 0/2 peers online" }),
      {
        monitor: "tailscale:pgshospital",
        status: "down",
        message: "pgshospital is offline, last seen 2025-07-10T16:18:02.100Z",
      },
    ]);
    expect(samples).toEqual(
      expect.arrayContaining([
        { name: "tailscale.backend_running", value: 1 },
        { name: "tailscale.peers.online", value: 0 },
        { name: "tailscale.peers.total", value: 2 },
        { name: "tailscale.peer.online", value: 0, labels: { peer: "pgshospital" } },
      ]),
    );
  });

  it("reports a stopped backend once, not once per listed peer", async () => {
    const dir = await fakeTool(
      "tailscale",
      `sed 's/"BackendState": "Running"/"BackendState": "Stopped"/' "${fixtures}/status-running.json"`,
    );
    const instance = await plugin.create(
      config({ peers: ["pgshospital", "nas"] }),
      testContext({ path: dir }),
    );
    const { checks } = await instance.collect(signal());
    expect(checks).toEqual([expect.objectContaining({ status: "down", message: "tailscale is Stopped" })]);
  });

  it("is down with tailscale's own words when tailscaled is not running", async () => {
    const dir = await fakeTool(
      "tailscale",
      `echo "failed to connect to local tailscaled; it doesn't appear to be running" >&2; exit 1`,
    );
    const instance = await plugin.create(config({}), testContext({ path: dir }));
    const { checks } = await instance.collect(signal());
    expect(checks[0]).toMatchObject({
      status: "down",
      message:
        "tailscale status failed: failed to connect to local tailscaled; it doesn't appear to be running",
    });
  });

  it("is down when tailscale status hangs past the check timeout", async () => {
    const dir = await fakeTool("tailscale", "exec sleep 5");
    const instance = await plugin.create(config({}), testContext({ path: dir, timeoutMs: 300 }));
    const { checks } = await instance.collect(signal());
    expect(checks[0]).toMatchObject({
      status: "down",
      message: "tailscale status: tailscale timed out after 300 ms",
    });
  });

  it("uses the configured command path and is unsupported when it does not exist", async () => {
    const instance = await plugin.create(config({ command: "/nonexistent/tailscale" }), testContext());
    const attempt = instance.collect(signal());
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedError);
    await expect(attempt).rejects.toThrow(/install Tailscale/);
  });

  it("rejects an unknown key and a bad duration by name", () => {
    expect(plugin.configSchema.safeParse({ peer: ["x"] }).error?.issues[0]?.message).toMatch(/peer/);
    expect(plugin.configSchema.safeParse({ max_handshake_age: "later" }).error?.issues[0]?.path).toEqual([
      "max_handshake_age",
    ]);
  });
});
