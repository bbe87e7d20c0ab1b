import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

let server: CustosServerHandle;
beforeAll(async () => {
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
});
afterAll(() => server?.close());

async function post(path: string, key: string, body: unknown) {
  const res = await fetch(`${server.url}/functions/v1/api/agent${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe("custos-server", () => {
  it("answers /healthz and serves the agent API under /functions/v1/api", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const org = await server.createOrg("Ops");
    const key = await server.createKey(org, "agent");
    expect(key).toMatch(/^cus_[0-9A-Za-z]{40}$/);
    const reg = await post("/register", key, {
      hostname: "a",
      server_name: "a",
      agent_version: "1",
      os: "linux",
      arch: "x64",
    });
    expect(reg.status).toBe(200);
    expect(reg.body.server_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a read-scope key on agent routes with 403 and an unknown key with 401", async () => {
    const org = await server.createOrg("Scopes");
    const readKey = await server.createKey(org, "read");
    const body = { hostname: "a", server_name: "a", agent_version: "1", os: "linux", arch: "x64" };
    expect((await post("/register", readKey, body)).status).toBe(403);
    expect((await post("/register", `cus_${"x".repeat(40)}`, body)).status).toBe(401);
  });

  it("finishes an in-flight request on SIGTERM, then exits 0 and comes back on the same database", async () => {
    const org = await server.createOrg("Restart");
    const key = await server.createKey(org, "agent");
    // the request is on the server (headers and half the body sent) when SIGTERM arrives
    const body = new TextEncoder().encode(
      JSON.stringify({ hostname: "b", server_name: "b", agent_version: "1", os: "linux", arch: "x64" }),
    );
    let sendRest: () => void = () => undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(body.slice(0, 10));
        sendRest = () => {
          controller.enqueue(body.slice(10));
          controller.close();
        };
      },
    });
    const inflight = fetch(`${server.url}/functions/v1/api/agent/register`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as Record<string, any>,
    }));
    await new Promise((r) => setTimeout(r, 300));
    const code = server.stop();
    await new Promise((r) => setTimeout(r, 300));
    sendRest();
    expect((await inflight).status).toBe(200);
    expect(await code).toBe(0);
    expect(server.output()).toContain('"message":"shutting down"');
    await server.start();
    const again = await post("/register", key, {
      hostname: "b",
      server_name: "b",
      agent_version: "1",
      os: "linux",
      arch: "x64",
    });
    expect(again.body.server_id).toBe((await inflight).body.server_id);
  });

  it("stops at start-up with the variable's name when an environment value is invalid", async () => {
    const error = (await run(process.execPath, [CLI, "start"], {
      env: { ...process.env, PORT: "eighty" },
    }).catch((e) => e)) as {
      code: number;
      stderr: string;
    };
    expect(error.code).toBe(3);
    expect(error.stderr).toContain("PORT");
  });

  it("rejects admin create-key with a bad scope or org id, naming the flag or field", async () => {
    const env = { ...process.env, DATABASE_URL: server.databaseUrl };
    const badScope = (await run(
      process.execPath,
      [CLI, "admin", "create-key", "--org", "x", "--scope", "root"],
      { env },
    ).catch((e) => e)) as {
      code: number;
      stderr: string;
    };
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toContain("--scope");
    const badOrg = (await run(
      process.execPath,
      [CLI, "admin", "create-key", "--org", "not-a-uuid", "--scope", "agent"],
      { env },
    ).catch((e) => e)) as {
      code: number;
      stderr: string;
    };
    expect(badOrg.code).toBe(2);
    expect(badOrg.stderr).toContain("org_id");
  });

  it("creates a fleet key limited to N servers and an enrolment deadline with admin create-key", async () => {
    const env = { ...process.env, DATABASE_URL: server.databaseUrl };
    const org = await server.createOrg("Fleet");
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const args = ["admin", "create-key", "--org", org, "--scope", "agent", "--name", "fleet"];
    const { stdout } = await run(
      process.execPath,
      [CLI, ...args, "--max-servers", "2", "--enroll-until", until],
      { env },
    );
    const key = stdout.trim();
    const register = (name: string) =>
      post("/register", key, {
        hostname: name,
        server_name: name,
        agent_version: "1",
        os: "linux",
        arch: "x64",
      });
    expect((await register("a")).status).toBe(200);
    expect((await register("b")).status).toBe(200);
    // the third server is over the key's limit
    expect((await register("c")).status).toBe(403);

    const refused = async (extra: string[]) =>
      (await run(process.execPath, [CLI, ...args, ...extra], { env }).catch((e) => e)) as {
        code: number;
        stderr: string;
      };
    for (const [extra, named] of [
      [["--max-servers", "0"], "--max-servers"],
      [["--max-servers", "two"], "--max-servers"],
      [["--max-servers", "1e9"], "max_servers"],
      [["--enroll-until", "next tuesday"], "enroll_until"],
      [["--enroll-until", "2020-01-01T00:00:00Z"], "enroll_until"],
    ] as const) {
      const result = await refused([...extra]);
      expect(result.code, extra.join(" ")).toBe(2);
      expect(result.stderr, extra.join(" ")).toContain(named);
    }
  });
});
