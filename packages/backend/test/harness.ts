import { gzipSync } from "node:zlib";
import { createTestDatabase } from "@custos/testkit";
import postgres from "postgres";
import { inject } from "vitest";
import type { BackendConfig } from "../src/context.ts";
import { createApiKey, createApp, createOrganization } from "../src/index.ts";

export const AGENT = "/api/agent";

/** A fresh migrated database, an in-process app on it, and one organization with an agent key. */
export async function setup(
  config: Partial<BackendConfig> = {},
  org: { require_server_approval?: boolean } = {},
) {
  const url = await createTestDatabase(inject("pgAdminUrl"));
  const sql = postgres(url, { max: 10, onnotice: () => undefined });
  const app = createApp({
    sql,
    config,
    notifierEnv: { timeoutMs: 2_000 },
    log: { info() {}, warn() {}, error: (m, d) => process.env.DEBUG_TEST && console.error(m, d) },
  });
  const { id: orgId } = await createOrganization({ ctx: { sql }, input: { name: "Acme", ...org } });
  const { key } = await createApiKey({ ctx: { sql }, input: { org_id: orgId, scope: "agent" } });

  async function call(
    path: string,
    body: unknown,
    options: { key?: string; gzip?: boolean; headers?: Record<string, string> } = {},
  ) {
    const raw = typeof body === "string" ? body : JSON.stringify(body);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      authorization: `Bearer ${options.key ?? key}`,
      ...options.headers,
    };
    let payload: BodyInit = raw;
    if (options.gzip) {
      headers["content-encoding"] = "gzip";
      payload = gzipSync(raw);
    }
    const response = await app.request(`${AGENT}${path}`, { method: "POST", headers, body: payload });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  async function register(hostname = "web-1", extra: Record<string, unknown> = {}) {
    const res = await call("/register", {
      hostname,
      server_name: hostname,
      agent_version: "0.1.0",
      os: "linux",
      arch: "x64",
      ...extra,
    });
    return res.body.server_id as string;
  }

  return { url, sql, app, orgId, key, call, register, close: () => sql.end() };
}

export function samples(count: number, base = Date.now() - 60_000) {
  return Array.from({ length: count }, (_, i) => ({
    ts: new Date(base + i * 1000).toISOString(),
    name: i % 2 ? "cpu.percent" : "memory.used_percent",
    labels: i % 3 ? { core: String(i % 4) } : undefined,
    value: i * 1.5,
  }));
}
