import type { RegisterResponse } from "@custos/protocol";
import { Pool } from "undici";
import type { BodySource } from "./workload.ts";

const API = "/functions/v1/api/agent";

/** One keep-alive connection per concurrent request, on loopback. */
export function agentPool(baseUrl: string, connections: number): Pool {
  return new Pool(baseUrl, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
  });
}

export interface Fleet {
  /** server i belongs to org (i mod orgs) and uses that org's key */
  serverIds: string[];
  keyOf(serverIndex: number): string;
}

async function post(
  pool: Pool,
  path: string,
  key: string,
  body: Buffer | string,
  gzip: boolean,
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    "content-type": "application/json",
  };
  if (gzip) headers["content-encoding"] = "gzip";
  const res = await pool.request({ path: `${API}${path}`, method: "POST", headers, body });
  return { status: res.statusCode, text: await res.body.text() };
}

export async function register(pool: Pool, key: string, index: number, runId: string): Promise<string> {
  const body = JSON.stringify({
    hostname: `bench-${index}.example.internal`,
    server_name: `bench-${index}`,
    agent_version: "0.1.0-bench",
    os: "linux",
    arch: "x64",
    machine_id: `bench-${runId}-${index.toString().padStart(5, "0")}`,
  });
  const res = await post(pool, "/register", key, body, false);
  if (res.status !== 200) throw new Error(`register ${index}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  return (JSON.parse(res.text) as RegisterResponse).server_id;
}

/** One metrics batch; undefined on success, else what went wrong. */
export async function sendBatch(pool: Pool, fleet: Fleet, bodies: BodySource): Promise<string | undefined> {
  const w = bodies.take();
  const res = await post(pool, "/metrics", fleet.keyOf(w.serverIndex), w.body, true);
  if (res.status !== 200) return `HTTP ${res.status} ${res.text.slice(0, 160)}`;
  // a batch id must never be a replay here: every body is sent once
  if (!res.text.includes('"stored":true')) return `not stored: ${res.text.slice(0, 160)}`;
  return undefined;
}

export async function heartbeat(pool: Pool, fleet: Fleet, serverIndex: number): Promise<string | undefined> {
  const body = JSON.stringify({ server_id: fleet.serverIds[serverIndex], sent_at: new Date().toISOString() });
  const res = await post(pool, "/heartbeat", fleet.keyOf(serverIndex), body, false);
  if (res.status !== 200) return `HTTP ${res.status} ${res.text.slice(0, 160)}`;
  return undefined;
}
