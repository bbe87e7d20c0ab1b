/**
 * postgres: connects with a short-lived postgres.js client per check (one connection, closed at
 * the end), runs STATS_SQL (sql.ts) and the optional custom query, and hands the rows to
 * evaluate.ts. A slow server cannot hold the plugin past its deadline: statement_timeout bounds
 * the server side and a client-side race bounds the network.
 */

import { type PostgresCustomQuery, PostgresMonitorOptions } from "@custos/protocol";
import type postgres from "postgres";
import type { Collected, PluginContext, PluginInstance, Sample } from "../types.ts";
import { definePlugin } from "../types.ts";
import { customValue, evaluateCustom, interpretStats } from "./evaluate.ts";
import { redactSecrets } from "./redact.ts";
import { ALL_SIZES_SQL, STATS_SQL, type StatsRow } from "./sql.ts";

export const plugin = definePlugin({
  type: "postgres",
  configSchema: PostgresMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: (config) => `postgres:${describeTarget(config.connection)}`,
  create: (config, ctx) => createPostgres(config, ctx),
});

class DeadlineError extends Error {}

function createPostgres(config: PostgresMonitorOptions, ctx: PluginContext): PluginInstance {
  let warnedPrivileges = false;
  return {
    async collect(signal): Promise<Collected> {
      // loaded at the first check, not when the agent starts (decision 0030)
      const { default: connect } = await import("postgres");
      const deadlineAt = Date.now() + ctx.timeoutMs;
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(ctx.timeoutMs)]);
      const started = performance.now();
      const sql = connect(config.connection, {
        max: 1,
        connect_timeout: Math.max(1, Math.ceil(ctx.timeoutMs / 1000)),
        idle_timeout: 1,
        prepare: false,
        onnotice: () => undefined,
        connection: { application_name: "custos-agent", statement_timeout: ctx.timeoutMs },
      });
      try {
        let row: StatsRow;
        let sizes: Sample[] | undefined;
        try {
          const rows = await withDeadline(sql.unsafe(STATS_SQL), deadline);
          row = rows[0] as unknown as StatsRow;
          if (config.database_sizes === "all") {
            const all = await withDeadline(sql.unsafe(ALL_SIZES_SQL), deadline);
            sizes = all.map((r) => ({
              name: "postgres.database.size_bytes",
              value: Number(r.size_bytes),
              labels: { database: String(r.database) },
            }));
          }
        } catch (error) {
          return {
            samples: [{ name: "postgres.up", value: 0 }],
            checks: [
              {
                status: "down",
                latency_ms: Math.round(performance.now() - started),
                message: deadline.aborted
                  ? `no answer within ${ctx.timeoutMs} ms`
                  : redactSecrets(`cannot query: ${describe(error)}`, config.connection),
              },
            ],
          };
        }
        const latency_ms = Math.round(performance.now() - started);
        if (!row.sees_all_sessions && !warnedPrivileges) {
          warnedPrivileges = true;
          ctx.log.warn("postgres: the monitoring role is not in pg_monitor; session counts miss other users");
        }
        const interpreted = interpretStats(row, config);
        const samples = sizes
          ? [...interpreted.samples.filter((s) => s.name !== "postgres.database.size_bytes"), ...sizes]
          : interpreted.samples;
        const result: Collected = {
          samples,
          checks: [{ status: interpreted.status, message: interpreted.message, latency_ms }],
        };
        if (config.custom_query) {
          const custom = await runCustom(sql, config.custom_query, deadline, deadlineAt, config.connection);
          result.samples.push(...custom.samples);
          result.checks.push({ monitor: `${ctx.monitorName}:${config.custom_query.name}`, ...custom.check });
        }
        return result;
      } finally {
        await sql.end({ timeout: deadline.aborted ? 0 : 1 }).catch(() => undefined);
      }
    },
  };
}

async function runCustom(
  sql: postgres.Sql,
  query: PostgresCustomQuery,
  deadline: AbortSignal,
  deadlineAt: number,
  connection: string,
) {
  const started = performance.now();
  const remainingMs = Math.max(1, deadlineAt - Date.now());
  try {
    const rows = await withDeadline(
      sql.begin("read only", async (tx) => {
        await tx.unsafe(`set local statement_timeout = ${Math.floor(remainingMs)}`);
        return tx.unsafe(query.sql);
      }),
      deadline,
    );
    const latency_ms = Math.round(performance.now() - started);
    const value = customValue(rows as unknown as Record<string, unknown>[]);
    if (typeof value !== "number") {
      return { samples: [], check: { status: "degraded" as const, message: value.error, latency_ms } };
    }
    const status = evaluateCustom(value, query);
    const limits = [
      query.warn !== undefined ? `warn ${query.direction === "below" ? "<" : ">"} ${query.warn}` : "",
      query.crit !== undefined ? `crit ${query.direction === "below" ? "<" : ">"} ${query.crit}` : "",
    ].filter(Boolean);
    return {
      samples: [{ name: "postgres.custom_query.value", value, labels: { query: query.name } }],
      check: {
        status,
        latency_ms,
        message: `${query.name} = ${value}${limits.length ? ` (${limits.join(", ")})` : ""}`,
      },
    };
  } catch (error) {
    const timedOut = deadline.aborted || (error as { code?: string }).code === "57014";
    return {
      samples: [],
      check: {
        status: "down" as const,
        latency_ms: Math.round(performance.now() - started),
        message: timedOut
          ? `${query.name}: no result within the ${Math.floor(remainingMs)} ms left of the check timeout`
          : redactSecrets(`${query.name} failed: ${describe(error)}`, connection),
      },
    };
  }
}

/** Rejects when the deadline passes; the abandoned promise keeps a handler so it cannot go unhandled. */
function withDeadline<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      Promise.resolve(promise).catch(() => undefined);
      reject(new DeadlineError("deadline"));
      return;
    }
    const onAbort = () => reject(new DeadlineError("deadline"));
    signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** host:port/database for the default monitor name; never the user or password. */
function describeTarget(connection: string): string {
  try {
    const url = new URL(connection);
    const target = `${url.host}${url.pathname.length > 1 ? url.pathname : ""}`;
    return target.replace(/[^A-Za-z0-9_.:\-/]/g, "_") || "local";
  } catch {
    return "local";
  }
}
