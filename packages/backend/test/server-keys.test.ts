/**
 * A server's own key (max_servers = 1) and limited fleet keys (max_servers, enroll_until):
 * registration under the limits, a server's own key speaking only for its server, and revoking
 * one key stopping only the servers that use it.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../src/index.ts";
import { samples, setup } from "./harness.ts";

let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup({ apiKeyCacheMs: 0 });
});
afterAll(() => h.close());

async function limitedKey(limits: { max_servers?: number; enroll_until?: Date }) {
  const created = await createApiKey({ ctx: { sql: h.sql }, input: { org_id: h.orgId, scope: "agent" } });
  await h.sql`
    update api_keys set max_servers = ${limits.max_servers ?? null}, enroll_until = ${limits.enroll_until ?? null}
    where id = ${created.id}`;
  return created;
}

/** `machine` names a machine; its machine id (8+ characters) is derived from the name. */
function registration(machine: string) {
  return {
    hostname: machine,
    server_name: machine,
    agent_version: "1",
    os: "linux",
    arch: "x64",
    machine_id: `id-${machine}-0000`,
  };
}

async function register(key: string, machine: string) {
  return h.call("/register", registration(machine), { key });
}

function pushes(serverId: string) {
  return {
    heartbeat: { server_id: serverId, sent_at: new Date().toISOString() },
    metrics: { server_id: serverId, batch_id: randomUUID(), samples: samples(2) },
    checks: {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [{ monitor: "http:site", status: "ok", ts: new Date().toISOString() }],
    },
  };
}

async function pushStatuses(key: string, serverId: string) {
  const body = pushes(serverId);
  return {
    heartbeat: (await h.call("/heartbeat", body.heartbeat, { key })).status,
    metrics: (await h.call("/metrics", body.metrics, { key })).status,
    checks: (await h.call("/checks", body.checks, { key })).status,
  };
}

const ALL_OK = { heartbeat: 200, metrics: 200, checks: 200 };

describe("a server's own key", () => {
  it("registers its server, and the same machine again after a restart", async () => {
    const own = await limitedKey({ max_servers: 1 });
    const first = await register(own.key, "own-a");
    expect(first.status).toBe(200);
    const again = await register(own.key, "own-a");
    expect(again.status).toBe(200);
    expect(again.body.server_id).toBe(first.body.server_id);
    expect(await pushStatuses(own.key, first.body.server_id)).toEqual(ALL_OK);
  });

  it("refuses a second machine with 403 naming the server it belongs to", async () => {
    const own = await limitedKey({ max_servers: 1 });
    expect((await register(own.key, "own-b")).status).toBe(200);
    const second = await register(own.key, "copied-to-c");
    expect(second.status).toBe(403);
    expect(second.body.error.field).toBe("authorization");
    expect(second.body.error.message).toContain('own key of server "own-b"');
    const [count] =
      await h.sql`select count(*)::int as n from servers where identity_key = 'machine:id-copied-to-c-0000'`;
    expect(count?.n).toBe(0);
  });

  it("lets exactly one of two machines racing for it register", async () => {
    const own = await limitedKey({ max_servers: 1 });
    const replies = await Promise.all(["race-1", "race-2", "race-3"].map((m) => register(own.key, m)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 403, 403]);
    const [count] = await h.sql`select count(*)::int as n from servers where registered_with_key = ${own.id}`;
    expect(count?.n).toBe(1);
  });

  it("counts the servers registered with the key after waiting for its lock, not before", async () => {
    const own = await limitedKey({ max_servers: 1 });
    // a transaction holds a lock on the key that registration's `for update` waits for (key
    // share: the key check's last_used_at stamp still goes through) and inserts a server
    // registered with it; two machines arrive meanwhile and wait. Their lock statements began
    // before that commit: a count read in the statement that waited would still see no server.
    const waiting = await h.sql.begin(async (tx) => {
      await tx`select 1 from api_keys where id = ${own.id} for key share`;
      const replies = Promise.all(["wait-1", "wait-2"].map((m) => register(own.key, m)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      await tx`
        insert into servers (org_id, name, hostname, identity_key, agent_version, os, arch, registered_with_key)
        values (${h.orgId}, 'holder', 'holder', 'machine:id-holder-0000', '1', 'linux', 'x64', ${own.id})`;
      return { replies }; // not the promise itself: begin() would wait for it inside the transaction
    });
    expect((await waiting.replies).map((r) => r.status)).toEqual([403, 403]);
    const [count] = await h.sql`select count(*)::int as n from servers where registered_with_key = ${own.id}`;
    expect(count?.n).toBe(1);
  });

  it("cannot send heartbeats, metrics or checks for another server of the organization", async () => {
    const fleetServer = (await register(h.key, "fleet-d")).body.server_id as string;
    const own = await limitedKey({ max_servers: 1 });
    expect((await register(own.key, "own-e")).status).toBe(200);
    expect(await pushStatuses(own.key, fleetServer)).toEqual({ heartbeat: 403, metrics: 403, checks: 403 });
    const refused = await h.call("/heartbeat", pushes(fleetServer).heartbeat, { key: own.key });
    expect(refused.body.error.message).toContain("another server's own key");
    expect(await pushStatuses(h.key, fleetServer)).toEqual(ALL_OK);
  });

  it("stops only its server when revoked: that server gets 401, a server on the fleet key goes on", async () => {
    const fleetServer = (await register(h.key, "fleet-f")).body.server_id as string;
    const own = await limitedKey({ max_servers: 1 });
    const ownServer = (await register(own.key, "own-g")).body.server_id as string;
    await revokeApiKey({ ctx: h.app.ctx, input: { key_id: own.id, org_id: h.orgId } });
    expect(await pushStatuses(own.key, ownServer)).toEqual({ heartbeat: 401, metrics: 401, checks: 401 });
    expect(await pushStatuses(h.key, fleetServer)).toEqual(ALL_OK);
  });

  it("moves with its machine: re-registering the server with a fleet key frees the server from the old own key", async () => {
    const own = await limitedKey({ max_servers: 1 });
    const serverId = (await register(own.key, "own-h")).body.server_id as string;
    expect((await register(h.key, "own-h")).body.server_id).toBe(serverId);
    expect((await pushStatuses(own.key, serverId)).heartbeat).toBe(403);
    expect(await pushStatuses(h.key, serverId)).toEqual(ALL_OK);
  });
});

describe("a fleet key with limits", () => {
  it("registers up to max_servers machines, refuses the next with 403 naming the limit, and re-registers the first", async () => {
    const fleet = await limitedKey({ max_servers: 2 });
    expect((await register(fleet.key, "lim-1")).status).toBe(200);
    expect((await register(fleet.key, "lim-2")).status).toBe(200);
    const third = await register(fleet.key, "lim-3");
    expect(third.status).toBe(403);
    expect(third.body.error.message).toContain("limit of 2 servers");
    expect((await register(fleet.key, "lim-1")).status).toBe(200);
  });

  it("speaks for every server it registered (not only one)", async () => {
    const fleet = await limitedKey({ max_servers: 2 });
    const a = (await register(fleet.key, "two-a")).body.server_id as string;
    const b = (await register(fleet.key, "two-b")).body.server_id as string;
    expect(await pushStatuses(fleet.key, a)).toEqual(ALL_OK);
    expect(await pushStatuses(fleet.key, b)).toEqual(ALL_OK);
  });

  it("after enroll_until refuses a new machine, while its registered servers keep registering and pushing", async () => {
    const fleet = await limitedKey({ enroll_until: new Date(Date.now() + 60_000) });
    const serverId = (await register(fleet.key, "early")).body.server_id as string;
    await h.sql`update api_keys set enroll_until = now() - interval '1 second' where id = ${fleet.id}`;
    const late = await register(fleet.key, "late");
    expect(late.status).toBe(403);
    expect(late.body.error.message).toMatch(/stopped registering new servers at \d{4}-/);
    expect((await register(fleet.key, "early")).status).toBe(200);
    expect(await pushStatuses(fleet.key, serverId)).toEqual(ALL_OK);
  });
});
