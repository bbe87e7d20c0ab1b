import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateNode, evaluatePeer, findPeer } from "./evaluate.ts";
import { parseStatus, type TailscaleStatus } from "./parse.ts";

const recorded = readFileSync(join(import.meta.dirname, "fixtures", "status-running.json"), "utf8");

/** The recording with fields changed the way tailscaled changes them (see ipnstate.go). */
function variant(change: (raw: Record<string, any>) => void): TailscaleStatus {
  const raw = JSON.parse(recorded);
  change(raw);
  return parseStatus(JSON.stringify(raw));
}
const NAS_KEY = "nodekey:66305fc09eb2560901dc23d191e8604106e8a862c4ec92c8127942321dfed315";
const now = Date.parse("2025-07-10T16:20:00Z");

describe("finding a peer in the recorded status", () => {
  const status = parseStatus(recorded);

  it.each([
    ["pgshospital", "pgshospital"],
    ["PGSHOSPITAL", "pgshospital"],
    ["pgshospital.tail2528d1.ts.net.", "pgshospital"],
    ["xiaomi-22031116ai", "localhost"],
    ["nas", undefined],
  ])("finds peer %s by host or MagicDNS name", (wanted, hostName) => {
    expect(findPeer(status, wanted)?.hostName).toBe(hostName);
  });
});

describe("judging the tailnet", () => {
  it.each([
    {
      name: "Running with this node online is ok",
      status: parseStatus(recorded),
      expected: { status: "ok", message: "Running, 0/2 peers online" },
    },
    {
      name: "a stopped backend is down",
      status: variant((raw) => {
        raw.BackendState = "Stopped";
      }),
      expected: { status: "down", message: "tailscale is Stopped" },
    },
    {
      name: "NeedsLogin is down with the health warning",
      status: variant((raw) => {
        raw.BackendState = "NeedsLogin";
        raw.Health = ["not logged in"];
      }),
      expected: { status: "down", message: "tailscale is NeedsLogin; health: not logged in" },
    },
    {
      name: "this node off the control plane is degraded",
      status: variant((raw) => {
        raw.Self.Online = false;
      }),
      expected: {
        status: "degraded",
        message: "this node is not connected to the control plane, 0/2 peers online",
      },
    },
    {
      name: "an exit node in use is reported by name",
      status: variant((raw) => {
        raw.Peer[NAS_KEY].Online = true;
        raw.Peer[NAS_KEY].ExitNode = true;
        raw.ExitNodeStatus = { ID: "nBCqx71UC621CNTRL", Online: true, TailscaleIPs: ["100.126.211.22/32"] };
      }),
      expected: {
        status: "ok",
        message: "Running, 1/2 peers online, exit node pgshospital.tail2528d1.ts.net online",
      },
    },
    {
      name: "an offline exit node in use is degraded",
      status: variant((raw) => {
        raw.ExitNodeStatus = { ID: "nBCqx71UC621CNTRL", Online: false, TailscaleIPs: [] };
      }),
      expected: {
        status: "degraded",
        message: "Running, 0/2 peers online, exit node pgshospital.tail2528d1.ts.net offline",
      },
    },
  ])("$name", ({ status, expected }) => {
    expect(evaluateNode(status)).toEqual(expected);
  });

  it("is down for a listed peer that is offline, with when it was last seen", () => {
    expect(evaluatePeer(parseStatus(recorded), "pgshospital", now)).toMatchObject({
      status: "down",
      message: "pgshospital is offline, last seen 2025-07-10T16:18:02.100Z",
    });
  });

  it("is down for a listed peer that is not in the tailnet", () => {
    expect(evaluatePeer(parseStatus(recorded), "nas", now)).toMatchObject({
      status: "down",
      message: "nas is not in the tailnet",
    });
  });

  describe("handshake age", () => {
    const online = (handshake: string) =>
      variant((raw) => {
        raw.Peer[NAS_KEY].Online = true;
        raw.Peer[NAS_KEY].LastHandshake = handshake;
      });

    it.each([
      {
        handshake: "2025-07-10T16:19:30Z",
        limit: 180_000,
        status: "ok",
        message: "pgshospital online, handshake 30s ago",
        age: 30,
      },
      {
        handshake: "2025-07-10T16:10:00Z",
        limit: 180_000,
        status: "down",
        message: "pgshospital last handshake 600s ago",
        age: 600,
      },
      {
        handshake: "2025-07-10T16:10:00Z",
        limit: undefined,
        status: "ok",
        message: "pgshospital online, handshake 600s ago",
        age: 600,
      },
      {
        handshake: "0001-01-01T00:00:00Z",
        limit: 180_000,
        status: "down",
        message: "pgshospital is online but no handshake yet",
        age: undefined,
      },
    ])(
      "handshake at $handshake with limit $limit is $status",
      ({ handshake, limit, status, message, age }) => {
        expect(evaluatePeer(online(handshake), "pgshospital", now, limit)).toMatchObject({
          status,
          message,
          handshakeAgeSeconds: age,
        });
      },
    );
  });
});
