import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey, createApp, createOrganization } from "@custos/backend";
import { loadMigrations, migrate, migrationsDir } from "@custos/db";
import { freePort } from "@custos/testkit";
import { getRequestListener } from "@hono/node-server";
import postgres, { type Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUser } from "../src/postgres-as-root.ts";
import { initCluster, type RunningPostgres, startPostgres } from "../src/postgres-process.ts";
import { startJsonSink, until } from "./helpers/agent-api.ts";

/**
 * The cloud schedule with a real pg_cron: the case that matters in the cloud, a project that enables the
 * extensions only AFTER the migrations ran, and then runs `select private.ensure_schedule()`
 * (supabase/migrations/20261205007000_ensure_schedule.sql). Then pg_cron fires the tick, the
 * tick reaches a running backend over HTTP, its sweep opens the incident of a silent server and
 * its dispatch delivers the page to a webhook sink: pg_cron → HTTP → tick → sweep → outbox → sink.
 *
 * The database: a throwaway PostgreSQL 15 cluster from Debian's packages (/usr/lib/postgresql/15,
 * started with custos-server's own initCluster/startPostgres, as the `postgres` OS user when the
 * test runs as root) with `shared_preload_libraries = pg_cron` and `cron.database_name` set.
 * pg_cron runs jobs in background workers (`cron.use_background_workers`), so it needs no
 * password to connect. The Supabase pieces are the compat migration's (roles, `auth`) plus two
 * stand-ins created here:
 *   - Vault: `vault.secrets`, the `vault.decrypted_secrets` view the tick reads (no encryption)
 *     and `vault.create_secret(secret, name)`, as the deploy guide calls it;
 *   - pg_net (not packaged for Debian): `net.http_post(url, body, params, headers,
 *     timeout_milliseconds)` with pg_net's signature, which runs curl through
 *     `COPY net._http_response (status_code) FROM PROGRAM` (the job runs as the superuser who
 *     scheduled it) and records the HTTP status in `net._http_response`, as pg_net does. Chosen
 *     over a queue table the test forwards: the request leaves the database itself, when pg_cron
 *     runs the job, with nothing of the test's in between. Unlike pg_net it is synchronous (the
 *     job waits for the answer), which changes nothing the test looks at.
 * The backend: the Hono app in-process on a loopback port with a `cronSecret` (not custos-server,
 * whose own scheduler would run the sweep and hide whether the tick did).
 *
 * pg_cron facts: Debian 12 packages pg_cron 1.4.2 (extension version 1.4-1). Second schedules
 * ('15 seconds', used by the migrations) need pg_cron 1.5: 1.4 raises "invalid schedule: 15
 * seconds" (SQLSTATE 22023), and ensure_schedule() then schedules every minute and says so.
 * Supabase runs a newer pg_cron. So here the tick fires at the start of each minute; the app
 * sweeps with a 60-s interval to match (the function's 15 s would take every minute between two
 * sweeps for a gap and grant every server a fresh timeout, which ensure_schedule's answer states).
 *
 * Needs PostgreSQL 15, pg_cron for it and curl (scripts/test-prereqs.sh installs
 * postgresql-15-cron as root on Debian); skipped, naming what is missing, without them.
 */
const PG = "/usr/lib/postgresql/15";
const CURL = ["/usr/bin/curl", "/bin/curl"].find((path) => existsSync(path));
const MISSING = [
  ...(existsSync(join(PG, "bin", "postgres")) ? [] : [`PostgreSQL 15 (${PG}/bin; Debian: postgresql-15)`]),
  ...(existsSync(join(PG, "lib", "pg_cron.so"))
    ? []
    : [
        "pg_cron for PostgreSQL 15 (Debian: postgresql-15-cron, installed by scripts/test-prereqs.sh as root)",
      ]),
  ...(CURL ? [] : ["curl (the net.http_post stand-in runs it)"]),
];
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CRON_SECRET = "a-cron-secret-of-the-pg-cron-test";
const PASSWORD = "custos-pg-cron-test";
const DATABASE = "custos";
const SQL_JOBS = ["custos-maintain-partitions", "custos-maintain-rollups", "custos-refresh-rollups"];
const quiet = { info() {}, warn() {}, error() {} };

interface Summary {
  scheduled: { job: string; schedule: string }[];
  unscheduled: string[];
  missing: string[];
  notes: string[];
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

/** The command of the last migration's `cron.schedule('custos-tick', '15 seconds', $job$...$job$)`. */
function migrationTickCommand(): string {
  const dir = join(ROOT, "supabase", "migrations");
  const pattern = /cron\.schedule\(\s*'custos-tick',\s*'15 seconds',\s*\$job\$([\s\S]*?)\$job\$/;
  const block = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => pattern.exec(readFileSync(join(dir, f), "utf8"))?.[1])
    .filter((b) => b !== undefined)
    .at(-1);
  if (!block) throw new Error(`no migration in ${dir} schedules custos-tick`);
  return collapse(block);
}

describe.skipIf(MISSING.length > 0)(
  `the cloud schedule on a real pg_cron${MISSING.length > 0 ? ` (skipped, missing: ${MISSING.join("; ")})` : ""}`,
  () => {
    let dir: string;
    let postmaster: RunningPostgres | undefined;
    let sql: Sql;
    let backend: Server;
    let backendUrl: string;
    let sink: Awaited<ReturnType<typeof startJsonSink>>;
    const ticks: { authorized: boolean; at: number }[] = [];

    const agent = async (path: string, key: string, body: unknown) => {
      const res = await fetch(`${backendUrl}/api/agent${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const ensure = async () =>
      (await sql<{ r: Summary }[]>`select private.ensure_schedule() as r`)[0]?.r as Summary;
    const jobs = () =>
      sql<{ jobid: string; jobname: string; schedule: string; command: string; username: string }[]>`
        select jobid::text, jobname, schedule, command, username from cron.job order by jobname`;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "custos-pg-cron-"));
      const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
      if (runAs) chmodSync(dir, 0o755);
      const install = { dir: PG, version: "15" };
      const clusterDir = join(dir, "data");
      await initCluster({ install, clusterDir, password: PASSWORD, runAs });
      appendFileSync(
        join(clusterDir, "postgresql.conf"),
        [
          "shared_preload_libraries = 'pg_cron'",
          `cron.database_name = '${DATABASE}'`,
          "cron.use_background_workers = on",
          "max_worker_processes = 16",
          "listen_addresses = '127.0.0.1'",
          // Debian's default socket directory (/var/run/postgresql) may not exist or be someone else's
          "unix_socket_directories = ''",
          "fsync = off",
          "synchronous_commit = off",
          "",
        ].join("\n"),
      );
      const port = await freePort();
      postmaster = await startPostgres({ install, clusterDir, port, runAs });
      const url = (database: string) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
      const admin = postgres(url("postgres"), { max: 1, onnotice: () => undefined });
      try {
        await admin.unsafe(`create database ${DATABASE}`);
      } finally {
        await admin.end();
      }
      sql = postgres(url(DATABASE), { max: 4, onnotice: () => undefined });

      // Supabase has Vault before `db push`; the tick reads it by name (stand-in, see above)
      await sql.unsafe(`
        create schema vault;
        create table vault.secrets (
          id uuid primary key default gen_random_uuid(),
          name text unique,
          secret text not null,
          created_at timestamptz not null default now()
        );
        create view vault.decrypted_secrets as
          select id, name, secret as decrypted_secret, created_at from vault.secrets;
        create function vault.create_secret(new_secret text, new_name text default null) returns uuid
          language sql as $$ insert into vault.secrets (name, secret) values (new_name, new_secret) returning id $$;
      `);
      await migrate(sql, loadMigrations(migrationsDir));

      sink = await startJsonSink();
      // the app the function runs, sweeping at the interval this pg_cron runs the tick at
      const app = createApp({
        sql,
        log: quiet,
        config: { cronSecret: CRON_SECRET, sweepIntervalSeconds: 60 },
      });
      const listener = getRequestListener(app.fetch);
      backend = createServer((req, res) => {
        if (req.url === "/api/cron/tick") {
          ticks.push({ authorized: req.headers.authorization === `Bearer ${CRON_SECRET}`, at: Date.now() });
        }
        void listener(req, res);
      });
      await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
      backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    }, 180_000);

    afterAll(async () => {
      await sql?.end({ timeout: 5 });
      await postmaster?.stop();
      await new Promise<void>((resolve) => (backend ? backend.close(() => resolve()) : resolve()));
      await sink?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("after the migrations without pg_cron: reports it missing and schedules nothing", async () => {
      const summary = await ensure();
      expect(summary.scheduled).toEqual([]);
      expect(summary.missing).toHaveLength(1);
      expect(summary.missing[0]).toMatch(/^pg_cron missing: nothing scheduled/);
      const [cron] = await sql`select to_regnamespace('cron') is not null as present`;
      expect(cron?.present).toBe(false);
    });

    it("is not callable by the API roles", async () => {
      const rows = await sql<{ role: string; allowed: boolean }[]>`
        select role, has_function_privilege(role, 'private.ensure_schedule()', 'execute') as allowed
        from unnest(array['anon', 'authenticated']) as role`;
      expect(rows.map((r) => r.allowed)).toEqual([false, false]);
      const [fn] = await sql`
        select prosecdef, proconfig from pg_proc where oid = 'private.ensure_schedule()'::regprocedure`;
      expect(fn?.prosecdef).toBe(true);
      expect(fn?.proconfig).toEqual(['search_path=""']);
    });

    it("with pg_cron alone (enabled after db push): the pure-SQL jobs, and pg_net named as missing", async () => {
      await sql`create extension pg_cron`;
      const [{ extversion } = { extversion: "" }] =
        await sql`select extversion from pg_extension where extname = 'pg_cron'`;
      const summary = await ensure();
      expect(summary.scheduled.map((s) => s.job).sort()).toEqual(SQL_JOBS);
      expect(summary.missing).toEqual([expect.stringMatching(/^pg_net missing: custos-tick not scheduled/)]);
      const rows = await jobs();
      expect(rows.map((r) => r.jobname)).toEqual(SQL_JOBS);
      const byName = Object.fromEntries(rows.map((r) => [r.jobname, r]));
      expect(byName["custos-maintain-partitions"]).toMatchObject({
        schedule: "7 * * * *",
        command: "select private.maintain_partitions()",
      });
      expect(byName["custos-maintain-rollups"]).toMatchObject({
        schedule: "17 * * * *",
        command: "select private.maintain_rollups()",
      });
      expect(byName["custos-refresh-rollups"]?.command).toBe("select private.refresh_rollups()");
      if (/^1\.[0-4](\D|$)/.test(extversion)) {
        // Debian's 1.4.2: no second schedules
        expect(byName["custos-refresh-rollups"]?.schedule).toBe("* * * * *");
        expect(summary.notes).toEqual([
          `pg_cron ${extversion} rejects '30 seconds' (second schedules need pg_cron 1.5 or newer): custos-refresh-rollups runs every minute instead`,
        ]);
      } else {
        expect(byName["custos-refresh-rollups"]?.schedule).toBe("30 seconds");
      }
    });

    it("with net.http_post too: the tick replaces the SQL jobs, the missing Vault secrets are named, and again changes nothing", async () => {
      // the pg_net stand-in (see the header): curl, run by the database, status kept like pg_net's
      await sql.unsafe(`
        create schema net;
        create table net._http_response (
          id bigserial primary key,
          status_code integer,
          created timestamptz not null default now()
        );
        create function net.shell_quote(value text) returns text language sql immutable as
          $$ select '''' || replace(value, '''', '''"''"''') || '''' $$;
        create function net.http_post(
          url text,
          body jsonb default '{}'::jsonb,
          params jsonb default '{}'::jsonb,
          headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
          timeout_milliseconds integer default 5000
        ) returns bigint language plpgsql as $$
        declare
          command text := '${CURL} -sS -o /dev/null -w ''%{http_code}\\n'' -X POST'
            || ' --max-time ' || greatest(1, ceil(timeout_milliseconds / 1000.0))::int;
          header record;
        begin
          for header in select key, value from jsonb_each_text(headers) loop
            command := command || ' -H ' || net.shell_quote(header.key || ': ' || header.value);
          end loop;
          command := command || ' --data-binary ' || net.shell_quote(body::text)
            || ' ' || net.shell_quote(url) || '; true';
          execute format('copy net._http_response (status_code) from program %L', command);
          return currval('net._http_response_id_seq');
        end
        $$;
      `);
      const summary = await ensure();
      expect(summary.unscheduled.sort()).toEqual(SQL_JOBS);
      expect(summary.scheduled.map((s) => s.job)).toEqual(["custos-tick"]);
      expect(summary.missing).toContain(
        "vault secret custos_tick_url missing: custos-tick sends nothing until it exists",
      );
      expect(summary.missing).toContain(
        "vault secret custos_cron_secret missing: the function refuses the tick (401) until it exists",
      );
      const [tick, ...others] = await jobs();
      expect(others).toEqual([]);
      expect(tick?.jobname).toBe("custos-tick");
      expect(tick?.username).toBe("postgres");
      // the command of the latest migration that schedules the tick, as it is
      expect(collapse(tick?.command ?? "")).toBe(migrationTickCommand());
      const [{ extversion } = { extversion: "" }] =
        await sql`select extversion from pg_extension where extname = 'pg_cron'`;
      if (/^1\.[0-4](\D|$)/.test(extversion)) {
        expect(tick?.schedule).toBe("* * * * *");
        expect(summary.missing).toContain(
          `pg_cron ${extversion} rejects '15 seconds' (second schedules need pg_cron 1.5 or newer): custos-tick runs every minute instead, and the api function, which sweeps expecting a tick every 15 s, then takes every tick for a gap and never pages a silent server (upgrade pg_cron, then run select private.ensure_schedule() again)`,
        );
      } else {
        expect(tick?.schedule).toBe("15 seconds");
      }

      // idempotent: the same one job, not a second one
      const again = await ensure();
      expect(again.unscheduled).toEqual([]);
      expect(again.scheduled).toEqual(summary.scheduled);
      expect(await jobs()).toEqual([tick]);
    });

    it("fires: pg_cron runs the tick, it reaches the backend, and a silent server is paged through a webhook", async () => {
      await sql`select vault.create_secret(${`${backendUrl}/api/cron/tick`}, 'custos_tick_url')`;
      await sql`select vault.create_secret(${CRON_SECRET}, 'custos_cron_secret')`;
      const summary = await ensure();
      expect(summary.missing.filter((m) => m.startsWith("vault"))).toEqual([]);
      const [{ jobid } = { jobid: "" }] = await jobs();

      const ctx = { sql };
      const org = await createOrganization({ ctx, input: { name: "Cron" } });
      const { key } = await createApiKey({ ctx, input: { org_id: org.id, scope: "agent" } });
      const [channel] = await sql`
          insert into channels (org_id, name, kind, config)
          values (${org.id}, 'hook', 'webhook', ${sql.json({ url: sink.url })}) returning id`;
      await sql`
          insert into channel_secrets (channel_id, org_id, secret)
          values (${channel?.id}, ${org.id}, ${sql.json({ signing_secret: "a-signing-secret-of-some-length" })})`;
      await sql`insert into alert_rules (org_id, name, channel_ids) values (${org.id}, 'all', ${[channel?.id]})`;

      // The sweep grants every server a full timeout after its own first run or a gap (a
      // backend outage); as if this backend had been sweeping all along, so that one tick
      // can page (otherwise the second one does, a minute later).
      await sql`
          insert into private.job_runs (job, last_run_at, resumed_at)
          values ('sweep', now(), now() - interval '1 hour')
          on conflict (job) do update set last_run_at = excluded.last_run_at, resumed_at = excluded.resumed_at`;
      // pg_cron 1.4 fires at the start of each minute: the last heartbeat at least 15 s before
      // one, so the first tick finds the server past its 10-s timeout
      const second = new Date().getUTCSeconds();
      if (second > 44) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
      const reg = await agent("/register", key, {
        hostname: "silent",
        server_name: "silent",
        agent_version: "1",
        os: "linux",
        arch: "x64",
      });
      expect(reg.status).toBe(200);
      const serverId = reg.body.server_id as string;
      await sql`update servers set heartbeat_timeout_seconds = 10 where id = ${serverId}`;
      const beat = await agent("/heartbeat", key, { server_id: serverId, sent_at: new Date().toISOString() });
      expect(beat.status).toBe(200);
      const silentSince = Date.now();

      // the page; generous (a minute per tick, a shared machine), typically one tick away
      const down = await until(
        "the DOWN webhook",
        async () => sink.payloads.find((p) => p.event === "down"),
        150_000,
      );
      expect(Date.now() - silentSince).toBeGreaterThanOrEqual(10_000);
      expect(down.title).toContain("silent");

      // the path it took: pg_cron ran the job ...
      // (the stand-in waits for the tick's answer, which comes after the page went out)
      const run = await until(
        "a finished run of custos-tick in cron.job_run_details",
        async () =>
          (
            await sql<{ status: string; return_message: string }[]>`
                select status, return_message from cron.job_run_details
                where jobid = ${jobid}::bigint and status <> 'running' order by start_time limit 1`
          )[0],
        150_000,
      );
      // one row: the guard found custos_tick_url, so the request was made
      expect(run).toEqual({ status: "succeeded", return_message: "SELECT 1" });
      // ... whose net.http_post reached the backend with the secret from Vault, answered 200 ...
      expect(ticks.length).toBeGreaterThanOrEqual(1);
      expect(ticks.every((t) => t.authorized)).toBe(true);
      const responses = await sql<{ status_code: number }[]>`select status_code from net._http_response`;
      expect(responses.map((r) => r.status_code)).toContain(200);
      // ... whose sweep opened the incident and dispatch delivered its page
      const [incident] = await sql`
          select kind, status::text, severity::text from incidents where server_id = ${serverId}`;
      expect(incident).toEqual({ kind: "heartbeat", status: "open", severity: "critical" });
      const [sent] = await sql<{ status: string }[]>`
          select status::text from notification_outbox where incident_id = (
            select id from incidents where server_id = ${serverId})`;
      expect(sent?.status).toBe("delivered");
      const state = await sql<{ job: string; runs: number }[]>`
          select job, runs::int from private.job_state where job in ('sweep', 'dispatch') order by job`;
      expect(state.map((s) => s.job)).toEqual(["dispatch", "sweep"]);
      for (const s of state) expect(s.runs).toBeGreaterThanOrEqual(1);
    }, 180_000);
  },
);
