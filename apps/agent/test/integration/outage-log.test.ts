/**
 * The outage log end to end (decision 0044): a real agent process with a ping monitor over TCP
 * to two loopback targets, talking to a real custos-server through a proxy. Both targets stop
 * answering and, as in a real internet outage, the agent's pushes fail too; then everything comes
 * back. The outage the agent measured (start, end, duration, targets) reaches the backend from
 * the buffer and shows in the dashboard API's outage log and in its CSV export.
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { AgentEventList } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/store.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { type AgentProcess, spawnAgent } from "../helpers/agent-process.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

const PASSWORD = "correct horse battery staple";

/** A TCP target that accepts and closes, as a reachable host's open port does. */
async function listen(port = 0): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/**
 * The agent's way to the backend: a TCP relay on loopback that can be cut like a dead uplink
 * (open connections reset, new ones refused), which the agent sees as a network failure.
 */
async function startUplink(backendUrl: string) {
  const target = new URL(backendUrl);
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function pendingEvents(statePath: string): number {
  const store = openStore(statePath, { readonly: true });
  try {
    return store.outbox.depth().items.events;
  } finally {
    store.close();
  }
}

describe("the outage log with a real agent and a real custos-server", () => {
  let backend: RealBackend;
  let uplink: Awaited<ReturnType<typeof startUplink>>;
  let targets: Server[] = [];
  let ports: number[] = [];
  let token: string;
  let orgId: string;
  const files = agentDir();
  let agent: AgentProcess | undefined;

  const dashboard = async (path: string) => {
    const res = await fetch(`${backend.url}/functions/v1/api/v1${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    backend = await startRealBackend("outage-log");
    // a person with an account: the first sign-up owns the instance and gets an organization
    const signUp = await fetch(`${backend.url}/auth/v1/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@outage.example", password: PASSWORD }),
    });
    token = ((await signUp.json()) as { access_token: string }).access_token;
    const me = await fetch(`${backend.url}/functions/v1/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    orgId = ((await me.json()) as { orgs: { id: string }[] }).orgs[0]?.id as string;
    const key = await backend.server.createKey(orgId, "agent");
    uplink = await startUplink(backend.url);
    targets = [await listen(), await listen()];
    ports = targets.map((t) => (t.address() as AddressInfo).port);
    files.write(`
api_key: ${key}
url: ${uplink.url}
server_name: home-nas
heartbeat_interval: 1s
monitors:
  - type: ping
    method: tcp
    targets: ["127.0.0.1:${ports[0]}", "127.0.0.1:${ports[1]}"]
    count: 1
    reply_timeout: 300ms
    check_interval: 500ms
buffer:
  path: ${files.statePath}
`);
  }, 180_000);
  afterAll(async () => {
    if (process.env.DEBUG_TEST) console.log(agent?.output().slice(-6000));
    await agent?.stop();
    for (const target of targets) await close(target);
    await uplink?.close();
    await backend?.close();
    files.remove();
  });

  it("measures an outage of both targets, buffers it while pushes fail, and lists and exports it once back", {
    timeout: 180_000,
  }, async () => {
    agent = spawnAgent(["run", "--config", files.configPath]);
    const serverId = await waitFor(
      async () =>
        (await backend.sql<{ id: string }[]>`select id from public.servers where org_id = ${orgId}`)[0]?.id,
      60_000,
      "registration",
    );
    await waitFor(
      async () =>
        (
          await backend.sql`select 1 from public.check_results c join public.monitors m on m.id = c.monitor_id
                            where m.server_id = ${serverId} and m.name = 'internet' and c.status = 'ok'`
        ).length > 0,
      60_000,
      "the internet monitor ok at the backend",
    );

    // the outage: no target answers, and the uplink to the backend is gone with them
    const cutAt = Date.now();
    uplink.cut();
    for (const target of targets) await close(target);
    await waitFor(() => pendingEvents(files.statePath) >= 1, 30_000, "outage_started buffered");
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // nothing got through meanwhile: the start waits in the agent's buffer
    expect(pendingEvents(files.statePath)).toBeGreaterThanOrEqual(1);
    expect(await backend.sql`select 1 from public.agent_events where server_id = ${serverId}`).toHaveLength(
      0,
    );

    // connectivity is back
    targets = [await listen(ports[0]), await listen(ports[1])];
    const backAt = Date.now();
    uplink.restore();

    const ended = await waitFor(
      async () => {
        const res = await dashboard(`/orgs/${orgId}/servers/${serverId}/events?kind=outage_ended`);
        return res.status === 200 ? AgentEventList.parse(JSON.parse(res.text)).events[0] : undefined;
      },
      60_000,
      "the outage in the server's outage log",
    );
    expect(ended).toMatchObject({ kind: "outage_ended", monitor: "internet", server: "home-nas" });
    expect(ended.data?.targets).toEqual([`127.0.0.1:${ports[0]}`, `127.0.0.1:${ports[1]}`]);
    const started = Date.parse(ended.started_at as string);
    const end = Date.parse(ended.ended_at as string);
    // the agent's cycle is 500 ms: the outage began after the cut and ended after the return
    expect(started).toBeGreaterThanOrEqual(cutAt - 1_000);
    expect(end).toBeGreaterThanOrEqual(backAt - 1_000);
    expect(ended.duration_ms).toBeGreaterThanOrEqual(2_000);
    expect(Math.abs((ended.duration_ms ?? 0) - (end - started))).toBeLessThan(1_000);

    // its start came through the buffer too; the log shows the ended outage as one row and
    // lists the start when asked for starts
    const all = AgentEventList.parse(JSON.parse((await dashboard(`/orgs/${orgId}/events`)).text));
    expect(all.events.map((e) => e.kind)).toEqual(["outage_ended"]);
    const starts = AgentEventList.parse(
      JSON.parse((await dashboard(`/orgs/${orgId}/events?kind=outage_started`)).text),
    );
    expect(starts.events.map((e) => e.started_at)).toEqual([ended.started_at]);

    // the day's CSV, as seed 000 asks: start, end, duration
    const from = new Date(cutAt - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const csv = await dashboard(`/orgs/${orgId}/exports/events?from=${from}&to=${to}&kind=outage_ended`);
    expect(csv.status).toBe(200);
    const lines = csv.text.split("\r\n");
    expect(lines[0]).toBe(
      "occurred_at,kind,server,monitor,started_at,ended_at,duration_seconds,message,targets,server_id,id",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(
      `outage_ended,home-nas,internet,${ended.started_at},${ended.ended_at},${(ended.duration_ms ?? 0) / 1000},`,
    );
    expect(lines[1]).toContain(`127.0.0.1:${ports[0]} 127.0.0.1:${ports[1]}`);

    // the buffer is empty: both events were acknowledged
    await waitFor(() => pendingEvents(files.statePath) === 0, 30_000, "events acknowledged");
  });
});
