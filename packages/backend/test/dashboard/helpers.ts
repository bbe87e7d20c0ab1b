import { randomUUID } from "node:crypto";
import { createTestDatabase } from "@custos/testkit";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import postgres from "postgres";
import { inject } from "vitest";
import type { z } from "zod";
import type { BackendConfig } from "../../src/context.ts";
import { createApiKey, createApp, createOrganization, type NotifierEnv } from "../../src/index.ts";

export const V1 = "/api/v1";

type Role = "owner" | "admin" | "member" | "viewer";

export interface User {
  id: string;
  email: string;
  token: string;
}

/**
 * A migrated database, the real app with a real ES256 JWKS (like Supabase Auth's / custos-server's),
 * two organizations: A (owner, admin, member, viewer) and B (its owner), each with an agent key.
 */
/** `notifierEnv` redirects providers with fixed addresses (Telegram, Twilio...) to loopback sinks. */
export async function setupDashboard(
  config: Partial<BackendConfig> = {},
  notifierEnv?: Partial<NotifierEnv>,
) {
  const url = await createTestDatabase(inject("pgAdminUrl"));
  const sql = postgres(url, { max: 10, onnotice: () => undefined });
  const keys = await generateKeyPair("ES256", { extractable: true });
  const other = await generateKeyPair("ES256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: "test-key", alg: "ES256", use: "sig" };
  const app = createApp({
    sql,
    config,
    ...(notifierEnv ? { notifierEnv } : {}),
    jwks: { jwks: { keys: [jwk] } },
    log: { info() {}, warn() {}, error: (m, d) => process.env.DEBUG_TEST && console.error(m, d) },
  });

  async function token(
    sub: string,
    email: string,
    options: { expiresIn?: string | number; key?: CryptoKey; aud?: string; role?: string } = {},
  ) {
    return new SignJWT({ role: options.role ?? "authenticated", email, session_id: randomUUID() })
      .setProtectedHeader({ alg: "ES256", kid: "test-key" })
      .setSubject(sub)
      .setAudience(options.aud ?? "authenticated")
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "1h")
      .sign(options.key ?? keys.privateKey);
  }

  async function user(email: string): Promise<User> {
    const id = randomUUID();
    await sql`insert into auth.users (id, email, aud, role) values (${id}, ${email}, 'authenticated', 'authenticated')`;
    return { id, email, token: await token(id, email) };
  }

  async function join(orgId: string, u: User, role: Role) {
    await sql`insert into memberships (org_id, user_id, role) values (${orgId}, ${u.id}, ${role})`;
  }

  const { id: orgA } = await createOrganization({ ctx: { sql }, input: { name: "Org A" } });
  const { id: orgB } = await createOrganization({ ctx: { sql }, input: { name: "Org B" } });
  const users = {
    owner: await user("owner@a.example"),
    admin: await user("admin@a.example"),
    member: await user("member@a.example"),
    viewer: await user("viewer@a.example"),
    ownerB: await user("owner@b.example"),
  };
  await join(orgA, users.owner, "owner");
  await join(orgA, users.admin, "admin");
  await join(orgA, users.member, "member");
  await join(orgA, users.viewer, "viewer");
  await join(orgB, users.ownerB, "owner");
  const agentKeyA = (await createApiKey({ ctx: { sql }, input: { org_id: orgA, scope: "agent" } })).key;
  const agentKeyB = (await createApiKey({ ctx: { sql }, input: { org_id: orgB, scope: "agent" } })).key;

  /** A dashboard request as `as` (a user, a raw Authorization value, or nobody). */
  async function api(
    method: string,
    path: string,
    options: { as?: User | string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    const as = options.as === undefined ? users.owner : options.as;
    if (typeof as === "string") headers.authorization = as;
    else if (as) headers.authorization = `Bearer ${as.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] ??= "application/json";
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    }
    const response = await app.request(`${V1}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      // a CSV export is read from `text`
      body: (text && !response.headers.get("content-type")?.startsWith("text/csv")
        ? JSON.parse(text)
        : null) as any,
    };
  }

  /** An agent request to /api/agent/* with org A's key (or another). */
  async function agent(path: string, body: unknown, key = agentKeyA) {
    const response = await app.request(`/api/agent${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function register(hostname: string, key = agentKeyA) {
    const res = await agent(
      "/register",
      { hostname, server_name: hostname, agent_version: "0.3.1", os: "linux", arch: "x64" },
      key,
    );
    if (res.status !== 200) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
    await agent("/heartbeat", { server_id: res.body.server_id, sent_at: new Date().toISOString() }, key);
    return res.body.server_id as string;
  }

  async function pushMetrics(
    serverId: string,
    samples: { ts: number; name: string; value: number; labels?: Record<string, string> }[],
    key = agentKeyA,
  ) {
    const res = await agent(
      "/metrics",
      {
        server_id: serverId,
        batch_id: randomUUID(),
        samples: samples.map((s) => ({ ...s, ts: new Date(s.ts).toISOString() })),
      },
      key,
    );
    if (res.status !== 200) throw new Error(`metrics failed: ${JSON.stringify(res.body)}`);
  }

  async function pushChecks(
    serverId: string,
    results: { monitor: string; status: "ok" | "degraded" | "down"; ts: number; message?: string }[],
    key = agentKeyA,
  ) {
    const res = await agent(
      "/checks",
      {
        server_id: serverId,
        batch_id: randomUUID(),
        results: results.map((r) => ({ ...r, ts: new Date(r.ts).toISOString() })),
      },
      key,
    );
    if (res.status !== 200) throw new Error(`checks failed: ${JSON.stringify(res.body)}`);
  }

  const refresh = async () => (await sql`select private.refresh_rollups() as r`)[0]?.r;

  return {
    url,
    sql,
    app,
    orgA,
    orgB,
    users,
    agentKeyA,
    agentKeyB,
    token,
    otherKey: other.privateKey,
    user,
    join,
    api,
    agent,
    register,
    pushMetrics,
    pushChecks,
    refresh,
    close: () => sql.end(),
  };
}

export type Dashboard = Awaited<ReturnType<typeof setupDashboard>>;

/** Asserts the response has `status` and its body satisfies the contract's schema. */
export function expectContract<S extends z.ZodType>(
  res: { status: number; body: unknown; text: string },
  status: number,
  schema: S,
): z.output<S> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  const parsed = schema.safeParse(res.body);
  if (!parsed.success) {
    throw new Error(
      `response does not match the contract: ${parsed.error.message}\n${res.text.slice(0, 2000)}`,
    );
  }
  return parsed.data;
}

/** The longest awayFromHourEdge waits: a beforeAll that calls it needs this much more time. */
export const HOUR_EDGE_MAX_WAIT_MS = 250_000;

/**
 * For files whose figures are aligned to the hour (rollup watermarks at its start, results
 * seconds old in it): waits until the clock is at least a minute into an hour with three minutes
 * of it left, so neither results just written nor the file's own run straddle an hour.
 */
export async function awayFromHourEdge(): Promise<void> {
  const hour = 3_600_000;
  const msIntoHour = Date.now() % hour;
  const wait =
    msIntoHour < 60_000 ? 62_000 - msIntoHour : msIntoHour > hour - 180_000 ? hour - msIntoHour + 62_000 : 0;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
