/**
 * Property-based fuzzing of every route of a real custos-server (5,600 hostile requests
 * gave 52 answers of 500). Each run takes a valid example of a route from the contract
 * (packages/protocol: agent.ts, DASHBOARD_ROUTES; the auth subset) and changes ONE thing: a body
 * field (NUL, lone surrogate, huge or non-finite numbers, wrong types, deep nesting, oversized
 * strings and arrays, out-of-range times), a missing field, an extra key, a query or path
 * parameter (`%00`, undecodable escapes, non-uuids), or the whole body. Whatever the input:
 *
 * - the answer is not 5xx and the connection is not reset;
 * - an error is a JSON body; for agent and dashboard routes a 400 names a `field` related to
 *   what was changed;
 * - a refused request stores nothing: the row count of every table is unchanged;
 * - the server still answers /healthz afterwards.
 *
 * Bounded for `npm test` (fixed seed, a few hundred runs); `CUSTOS_FUZZ_RUNS=10000
 * CUSTOS_FUZZ_SEED=<n>` (scripts/fuzz.sh) runs longer. A failure prints the seed and path to replay.
 */

import { connect } from "node:net";
import { DASHBOARD_ROUTES } from "@custos/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { agentExamples, dashboardExamples, type Fixture, type RouteName, startFixture } from "./fixture.ts";
import {
  type BodyOp,
  fieldOf,
  hostilePathSegment,
  hostileQueryValue,
  hostileRawBody,
  hostileValue,
  type Json,
  type Mutation,
  mutateBody,
  pathsOf,
  type Sent,
  toJsonText,
} from "./mutations.ts";

const RUNS = Number(process.env.CUSTOS_FUZZ_RUNS ?? 0) || undefined;
const SEED = Number(process.env.CUSTOS_FUZZ_SEED ?? 20261205);
/** fast-check's `path` of a failure: with its seed, replays exactly that case (and no other). */
const REPLAY = process.env.CUSTOS_FUZZ_PATH ? { path: process.env.CUSTOS_FUZZ_PATH } : {};
/** Runs per group in `npm test`: about 30 s of requests in all on two shared cores. */
const runs = (bounded: number) => RUNS ?? bounded;
const timeoutFor = (bounded: number) => Math.max(120_000, runs(bounded) * 400);

const API = "/functions/v1/api";
let f: Fixture;
let counts: () => Promise<Record<string, number>>;

beforeAll(async () => {
  f = await startFixture(inject("pgAdminUrl"));
  // one statement counting the rows of every table (partitions through their parents)
  const tables = await f.sql<{ name: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition
      and n.nspname in ('public', 'auth', 'private')
    order by 1`;
  const statement = `select ${tables.map((t, i) => `(select count(*) from ${t.name})::int as c${i}`).join(", ")}`;
  counts = async () => {
    const [row] = await f.sql.unsafe(statement);
    return Object.fromEntries(
      tables.map((t, i) => [t.name, (row as Record<string, number>)[`c${i}`] as number]),
    );
  };
}, 180_000);

afterAll(async () => {
  await f?.close();
});

interface Answer {
  status: number;
  type: string;
  body: unknown;
  text: string;
}

async function send(request: Sent): Promise<Answer> {
  const url = `${f.server.url}${request.path}${request.query ? `?${request.query}` : ""}`;
  // a reset connection makes fetch throw: that fails the property like a 500 would
  const res = await fetch(url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, type: res.headers.get("content-type") ?? "", body, text };
}

const CROSS_FIELD: Record<string, string[]> = {
  // a valid but later start makes the window end before it starts
  starts_at: ["ends_at"],
  // rules that hold for a whole alert rule
  escalation_channel_ids: ["escalate_after_minutes"],
  repeat_mode: ["repeat_every_minutes"],
  repeat_every_minutes: ["repeat_every_minutes"],
  // a channel's settings are validated against its kind
  kind: ["config", "secret"],
  // an export's range: `to` must be after `from` and at most so many days later
  from: ["to"],
  // a probe's degraded_ms must not exceed down_ms
  "config.down_ms": ["config.degraded_ms"],
  // a combined push's samples name their series by index: fewer series leave a key pointing nowhere
  "metrics.series": ["metrics.at"],
  "metrics.series.0": ["metrics.at"],
  "metrics.series.1": ["metrics.at"],
  // a group's first series and its values must stay within the series list together
  "metrics.at.0.s": ["metrics.at.0.v"],
};

/** Whether the error's field points at the change (or at the body, for whole-body problems). */
function related(field: string, changed: string): boolean {
  if (field === "body" || field === changed) return true;
  if (field.startsWith(`${changed}.`) || changed.startsWith(`${field}.`)) return true;
  return (CROSS_FIELD[changed] ?? []).some((f2) => field === f2 || field.startsWith(`${f2}.`));
}

async function check(kind: "agent" | "dashboard" | "auth", request: Sent, mutation: Mutation) {
  const before = await counts();
  const answer = await send(request);
  const label = `${request.method} ${request.path}?${request.query.slice(0, 200)} ${mutation.description} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, label).toBeLessThan(500);
  if (answer.status >= 400) {
    expect(answer.type, label).toMatch(/application\/json/);
    expect(answer.body, label).toBeTypeOf("object");
    if (kind !== "auth") {
      const error = (answer.body as { error?: { code?: string; message?: string; field?: string } }).error;
      expect(error?.code, label).toBeTypeOf("string");
      expect(error?.message, label).toBeTypeOf("string");
      if (answer.status === 400) {
        expect(error?.field, label).toBeTypeOf("string");
        // a whole replaced body may fail anywhere; one changed value must be what the error names
        if (mutation.where !== "raw") {
          expect(
            related(error?.field ?? "", mutation.field),
            `${label}: field ${error?.field} vs ${mutation.field}`,
          ).toBe(true);
        }
      }
    }
    expect(await counts(), `${label}: a refused request changed stored rows`).toEqual(before);
  }
}

/** One change to a body: replace a value, delete a member, or add an extra one. */
const bodyOp: fc.Arbitrary<BodyOp> = fc.oneof(
  { weight: 6, arbitrary: hostileValue.map((value) => ({ op: "replace" as const, value })) },
  { weight: 1, arbitrary: fc.constant({ op: "delete" as const }) },
  { weight: 1, arbitrary: hostileValue.map((value) => ({ op: "extra" as const, value })) },
  { weight: 1, arbitrary: fc.constant({ op: "duplicate" as const }) },
);

function describeOp(field: string, op: BodyOp): string {
  const shown = (v: Json) => {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 80 ? `${s.slice(0, 80)}… (${s.length} chars)` : s;
  };
  if (op.op === "delete") return `delete ${field}`;
  if (op.op === "duplicate") return `${field} twice`;
  if (op.op === "extra") return `extra key beside ${field} = ${shown(op.value)}`;
  return `${field} = ${shown(op.value)}`;
}

/** A body mutation of `example`: the changed path picked by index among all its paths. */
function bodyMutation(example: Json, pick: number, op: BodyOp): { body: string; mutation: Mutation } {
  const paths = pathsOf(example);
  const path = paths[pick % paths.length] as (string | number)[];
  const field = fieldOf(path);
  // an extra member is named by its own key (dashboard) or by the object holding it (agent)
  const parent = path.slice(0, -1);
  const extraKey =
    typeof path[path.length - 1] === "number" ? [] : [`zz_extra_${String(path[path.length - 1])}`];
  const added = op.op === "extra" || op.op === "duplicate";
  const changedField = added ? fieldOf([...parent, ...extraKey]) || "body" : field;
  return {
    body: toJsonText(mutateBody(example, path, op)),
    mutation: { where: "body", field: changedField, description: describeOp(field, op) },
  };
}

describe("agent routes under hostile input", () => {
  const ROUTES = [
    "register",
    "heartbeat",
    "metrics",
    "checks",
    "alerts",
    "events",
    "push",
    "config",
    "config/report",
    "monitor-tests/claim",
  ] as const;

  it(
    "never answer 5xx, name the field of a 400, and store nothing they refuse",
    async () => {
      const headers = () => ({ authorization: `Bearer ${f.agentKey}`, "content-type": "application/json" });
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ROUTES),
          fc.oneof(
            { weight: 8, arbitrary: fc.tuple(fc.nat(), bodyOp).map(([pick, op]) => ({ pick, op })) },
            { weight: 1, arbitrary: hostileRawBody.map((raw) => ({ raw })) },
          ),
          async (route, change) => {
            const example = agentExamples(f.ids.server_id as string)[route] as Json;
            const request: Sent = {
              method: "POST",
              path: `${API}/agent/${route}`,
              query: "",
              headers: headers(),
              body: "",
            };
            let mutation: Mutation;
            if ("raw" in change) {
              request.body = change.raw.text;
              if (change.raw.type) request.headers["content-type"] = change.raw.type;
              mutation = { where: "raw", field: "body", description: `body: ${change.raw.description}` };
            } else {
              const m = bodyMutation(example, change.pick, change.op);
              request.body = m.body;
              mutation = m.mutation;
            }
            await check("agent", request, mutation);
          },
        ),
        { seed: SEED, numRuns: runs(100), endOnFailure: true, ...REPLAY },
      );
    },
    timeoutFor(100),
  );

  it("merges an alerts batch that names the same incident and state twice", async () => {
    const example = agentExamples(f.ids.server_id as string).alerts as { alerts: Record<string, Json>[] };
    const alert = example.alerts[0] as Record<string, Json>;
    const res = await send({
      method: "POST",
      path: `${API}/agent/alerts`,
      query: "",
      headers: { authorization: `Bearer ${f.agentKey}`, "content-type": "application/json" },
      body: JSON.stringify({ ...example, alerts: [alert, { ...alert, channels: ["sms"] }] }),
    });
    expect(res.status).toBe(200);
  });
});

describe("dashboard routes under hostile input", () => {
  const names = Object.keys(DASHBOARD_ROUTES) as RouteName[];

  it("have a valid example for every route of the contract", () => {
    const examples = dashboardExamples({ ...f.ids });
    for (const name of names) {
      const route = DASHBOARD_ROUTES[name];
      const example = examples[name];
      expect(example, name).toBeDefined();
      if ("body" in route) expect(route.body.safeParse(example.body).error, name).toBeUndefined();
      if ("query" in route) expect(route.query.safeParse(example.query).error, name).toBeUndefined();
    }
  });

  it(
    "never answer 5xx, name the field of a 400, and store nothing they refuse",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...names),
          fc.nat(),
          bodyOp,
          hostileQueryValue,
          hostilePathSegment,
          hostileRawBody,
          fc.nat({ max: 9 }),
          async (name, pick, op, queryValue, segment, raw, dice) => {
            const route = DASHBOARD_ROUTES[name];
            const example = dashboardExamples({ ...f.ids })[name];
            const params = (route.path.match(/:(\w+)/g) ?? []).map((p) => p.slice(1));
            const hasBody = "body" in route;
            const hasQuery = "query" in route && Object.keys(example.query ?? {}).length > 0;
            // what to change: path (always possible when the route has parameters), else query/body
            const choices = [
              ...(params.length > 0 ? ["path"] : []),
              ...(hasQuery ? ["query", "query"] : []),
              ...(hasBody ? ["body", "body", "body", "body", "raw"] : []),
            ];
            // a route with only path parameters is never sent valid (it would delete or change the fixture)
            if (choices.length === 0) choices.push("extra-query");
            const choice = choices[dice % choices.length] as string;
            let path: string = route.path;
            let query = new URLSearchParams(example.query ?? {}).toString();
            let body = hasBody ? JSON.stringify(example.body) : undefined;
            const headers: Record<string, string> = {
              authorization: `Bearer ${f.owner.token}`,
              "content-type": "application/json",
            };
            let mutation: Mutation;
            const changedParam = params[pick % Math.max(1, params.length)];
            for (const p of params) {
              const value =
                choice === "path" && p === changedParam ? segment : encodeURIComponent(f.ids[p] ?? "");
              path = path.replace(`:${p}`, value);
            }
            if (choice === "path") {
              mutation = {
                where: "path",
                field: changedParam ?? "",
                description: `path ${changedParam} = ${segment.slice(0, 60)}`,
              };
            } else if (choice === "query") {
              const keys = Object.keys(example.query ?? {});
              const key = keys[pick % keys.length] as string;
              query = [
                ...keys.map((k) =>
                  k === key ? `${k}=${queryValue}` : `${k}=${encodeURIComponent(example.query?.[k] ?? "")}`,
                ),
              ].join("&");
              mutation = {
                where: "query",
                field: key,
                description: `query ${key}=${queryValue.slice(0, 60)}`,
              };
            } else if (choice === "extra-query") {
              query = `zz=${queryValue}`;
              mutation = { where: "query", field: "zz", description: `query zz=${queryValue.slice(0, 60)}` };
            } else if (choice === "raw") {
              body = raw.text;
              if (raw.type) headers["content-type"] = raw.type;
              mutation = { where: "raw", field: "body", description: `body: ${raw.description}` };
            } else {
              const m = bodyMutation(example.body as Json, pick, op);
              body = m.body;
              mutation = m.mutation;
            }
            // a route without parameters or body sent "valid" with an extra query key is harmless
            // (me, summary...), but never for a route whose only input is its path
            if (choice === "extra-query" && route.method !== "GET") return;
            await check(
              "dashboard",
              { method: route.method, path: `${API}${path}`, query, headers, body },
              mutation,
            );
          },
        ),
        { seed: SEED, numRuns: runs(200), endOnFailure: true, ...REPLAY },
      );
    },
    timeoutFor(200),
  );

  it("answers 401, not 500, to a token signed by this server whose subject or session is odd", async () => {
    for (const token of [f.oddSubjectToken, f.oddSessionToken]) {
      const res = await send({
        method: "GET",
        path: `${API}/v1/me`,
        query: "",
        headers: { authorization: `Bearer ${token}` },
        body: undefined,
      });
      expect(res.status).toBeLessThan(500);
    }
    const odd = await send({
      method: "GET",
      path: `${API}/v1/me`,
      query: "",
      headers: { authorization: `Bearer ${f.oddSubjectToken}` },
      body: undefined,
    });
    expect(odd.status).toBe(401);
  });
});

describe("auth routes under hostile input", () => {
  type AuthRoute = {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: () => Json;
    token?: boolean;
  };
  const ROUTES: AuthRoute[] = [
    {
      method: "POST",
      path: "/signup",
      body: () => ({
        email: `new-${Math.random().toString(36).slice(2)}@fuzz.example`,
        password: "another long password 42",
        data: { name: "n" },
      }),
    },
    {
      method: "POST",
      path: "/token",
      query: { grant_type: "password" },
      body: () => ({ email: f.owner.email, password: "wrong password, on purpose" }),
    },
    {
      method: "POST",
      path: "/token",
      query: { grant_type: "refresh_token" },
      body: () => ({ refresh_token: "not-a-real-refresh-token" }),
    },
    { method: "GET", path: "/user", token: true },
    { method: "PUT", path: "/user", token: true, body: () => ({ data: { name: "n" } }) },
    { method: "POST", path: "/logout", token: true },
    { method: "GET", path: "/settings" },
    // a recovery link's token (admin reset-password): never valid here, so nothing is changed
    { method: "POST", path: "/verify", body: () => ({ type: "recovery", token_hash: "0".repeat(64) }) },
  ];
  const hostileToken = fc.constantFrom(
    "a\u0000b",
    "\u00ff\u00fe",
    "e30.e30.e30",
    "x".repeat(10_000),
    "%00",
    "odd-subject",
    "odd-session",
  );

  it(
    "never answer 5xx and answer errors as JSON, storing nothing they refuse",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: ROUTES.length - 1 }),
          fc.nat(),
          bodyOp,
          hostileQueryValue,
          hostileToken,
          hostileRawBody,
          fc.nat({ max: 9 }),
          async (index, pick, op, queryValue, token, raw, dice) => {
            const route = ROUTES[index] as AuthRoute;
            const choices = [
              ...(route.body ? ["body", "body", "body", "raw"] : []),
              ...(route.token ? ["token"] : []),
              ...(route.query || route.method === "GET" ? ["query"] : []),
            ];
            const choice = choices[dice % choices.length] as string;
            const headers: Record<string, string> = { "content-type": "application/json" };
            // valid token unless the token is what changes; logout is only sent with a hostile one
            if (route.token) headers.authorization = `Bearer ${f.owner.token}`;
            let query = new URLSearchParams(route.query ?? {}).toString();
            let body = route.body ? JSON.stringify(route.body()) : undefined;
            let mutation: Mutation;
            if (choice === "token" || (route.path === "/logout" && choice !== "token")) {
              const value =
                token === "odd-subject"
                  ? f.oddSubjectToken
                  : token === "odd-session"
                    ? f.oddSessionToken
                    : token;
              // fetch refuses header values outside Latin-1 / with NUL: those go as the raw request's
              const safe = /^[\x20-\x7e\x80-\xff]*$/.test(value) ? value : encodeURIComponent(value);
              headers.authorization = `Bearer ${safe}`;
              mutation = {
                where: "raw",
                field: "authorization",
                description: `authorization = ${safe.slice(0, 40)}`,
              };
            } else if (choice === "query") {
              const key = Object.keys(route.query ?? { zz: "" })[0] as string;
              query = `${key}=${queryValue}`;
              mutation = {
                where: "query",
                field: key,
                description: `query ${key}=${queryValue.slice(0, 60)}`,
              };
            } else if (choice === "raw") {
              body = raw.text;
              if (raw.type) headers["content-type"] = raw.type;
              mutation = { where: "raw", field: "body", description: `body: ${raw.description}` };
            } else {
              const m = bodyMutation((route.body as () => Json)(), pick, op);
              body = m.body;
              mutation = m.mutation;
            }
            await check(
              "auth",
              { method: route.method, path: `/auth/v1${route.path}`, query, headers, body },
              mutation,
            );
          },
        ),
        { seed: SEED, numRuns: runs(100), endOnFailure: true, ...REPLAY },
      );
    },
    timeoutFor(100),
  );
});

/** Writes raw bytes to the server and reads until it closes the connection (or 5 s pass). */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(f.server.port, "127.0.0.1");
    let out = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      out += d;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(out));
    socket.setTimeout(5_000, () => socket.destroy());
    socket.write(bytes, "latin1");
  });
}

describe("requests Node's HTTP parser refuses", () => {
  const body = '{"a":1}';
  it.each([
    ["a bare LF inside a header value", `GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n`, 400],
    ["a bare CR inside a header value", `GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n`, 400],
    ["a folded header", `GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n`, 400],
    [
      "both Content-Length and Transfer-Encoding: chunked",
      `POST ${API}/agent/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n${body}\r\n0\r\n\r\n`,
      400,
    ],
    ["32 KB of headers", `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(32_768)}\r\n\r\n`, 431],
    ["a NUL in the request line", `GET /heal\u0000thz HTTP/1.1\r\nHost: x\r\n\r\n`, 400],
    ["not HTTP at all", "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003", 400],
  ])("answers %s with a JSON error and closes", async (_, bytes, status) => {
    const answer = await rawExchange(bytes);
    const [head = "", json = ""] = answer.split("\r\n\r\n");
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head.toLowerCase()).toContain("content-type: application/json");
    expect(JSON.parse(json)).toMatchObject({
      error: { code: expect.any(String), message: expect.any(String) },
    });
  });
});

describe("after the hostile requests", () => {
  it("the server is healthy and the owner is still signed in", async () => {
    const health = await fetch(`${f.server.url}/healthz`);
    expect(health.status).toBe(200);
    const me = await fetch(`${f.server.url}${API}/v1/me`, {
      headers: { authorization: `Bearer ${f.owner.token}` },
    });
    expect(me.status).toBe(200);
  });
});
