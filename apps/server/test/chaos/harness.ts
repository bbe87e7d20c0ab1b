/**
 * The chaos harness: a real custos-server, N real custos-agent processes, and everything the
 * harness needs to break between and around them, all on loopback.
 *
 *   agent-i  --(TCP proxy i)-->  custos-server  --webhook-->  backend sink  (/backend/<agent>)
 *   agent-i  --http monitor-->   target i (ok | fail | slow | flap | off)
 *   agent-i  --local webhook-->  agent sink i   (/agent/<agent>), or the backend channel's own URL
 *
 * Every agent registers into its own organization (one API key each): agents on one host all read
 * the same /etc/machine-id, and the backend keys a server by machine id, so in one organization
 * they would be one server. Each organization has one webhook channel (to the backend sink) and
 * one alert rule. Sinks record every request with its time, path, answer and body.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";

const AGENT_MAIN = fileURLToPath(new URL("../../../agent/src/main.ts", import.meta.url));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined/false), at most `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// ---- sinks ---------------------------------------------------------------------------------

export interface SinkRecord {
  /** ms since epoch when the request body was complete */
  at: number;
  /** the logical channel: "backend" or "agent:<name>" */
  channel: string;
  path: string;
  /** what the sink answered; 0 = it did not answer (hang) */
  status: number;
  body: string;
}

/**
 * One loopback HTTP receiver on a fixed port that can be stopped (port closed: connection
 * refused), started again on the same port, or made to answer 500 ("broken") to everyone or
 * only to custos-agent.
 */
export class Sink {
  url = "";
  port = 0;
  status = 200;
  /**
   * Answer 503 to custos-agent's own requests (its user agent) and `status` to the backend's:
   * the agent's route to this destination is broken while the backend's works.
   */
  refuseAgents = false;
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  readonly name: string;
  private readonly records: SinkRecord[];
  private readonly channelOf: (path: string) => string;
  constructor(name: string, records: SinkRecord[], channelOf: (path: string) => string) {
    this.name = name;
    this.records = records;
    this.channelOf = channelOf;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? "/";
    const fromAgent = (req.headers["user-agent"] ?? "").startsWith("custos-agent/");
    const status = this.refuseAgents && fromAgent ? 503 : this.status;
    this.records.push({
      at: Date.now(),
      channel: this.channelOf(path),
      path,
      status,
      body: Buffer.concat(chunks).toString("utf8"),
    });
    res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "broken");
  }
}

// ---- monitored targets ---------------------------------------------------------------------

export type TargetMode =
  | { kind: "ok" }
  | { kind: "fail" }
  /** answers 200 after `delayMs` (over the monitor's degraded_ms) */
  | { kind: "slow"; delayMs: number }
  /** `down` failing answers, then `up` good ones, repeating (by request count) */
  | { kind: "flap"; down: number; up: number }
  /** resets every connection (the host is gone) */
  | { kind: "off" };

export class Target {
  url = "";
  mode: TargetMode = { kind: "ok" };
  requests = 0;
  private flapCount = 0;
  private server!: Server;
  private sockets = new Set<Socket>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (socket) => {
      if (this.mode.kind === "off") {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/health`;
  }

  set(mode: TargetMode) {
    this.mode = mode;
    this.flapCount = 0;
    if (mode.kind === "off") for (const socket of this.sockets) socket.destroy();
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    for await (const _ of req) {
      // drain
    }
    this.requests++;
    const mode = this.mode;
    let ok = true;
    if (mode.kind === "fail") ok = false;
    if (mode.kind === "slow") await sleep(mode.delayMs);
    if (mode.kind === "flap") {
      const position = this.flapCount++ % (mode.down + mode.up);
      ok = position >= mode.down;
    }
    if (mode.kind === "off") {
      req.socket.destroy();
      return;
    }
    res
      .writeHead(ok ? 200 : 500, { "content-type": "text/plain", connection: "close" })
      .end(ok ? "ok" : "error");
  }

  async close() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---- the network between an agent and the server ------------------------------------------

/**
 * A TCP proxy. `cut()` is a network outage without stopping either side: open connections are
 * dropped, new ones are accepted and black-holed (no answer, as with lost packets) until
 * `restore()`, which resets the black-holed ones.
 */
export class NetworkLink {
  url = "";
  cut_ = false;
  private server!: TcpServer;
  private pipes = new Set<Socket>();
  private held = new Set<Socket>();
  /** connections black-holed by cuts so far (proof a cut was felt) */
  heldTotal = 0;
  /** when the agent's latest bytes went through (a few dozen, newest last) */
  readonly sends: number[] = [];
  private cutOnSend: (() => void) | undefined;
  /** each open connection: the agent's side and the server's */
  private readonly pairs = new Set<readonly [Socket, Socket]>();

  private readonly upstreamPort: () => number;
  constructor(upstreamPort: () => number) {
    this.upstreamPort = upstreamPort;
  }

  async start() {
    this.server = createTcpServer((client) => {
      if (this.cut_) {
        this.held.add(client);
        this.heldTotal++;
        client.on("error", () => undefined);
        client.on("close", () => this.held.delete(client));
        return;
      }
      const upstream = connect(this.upstreamPort(), "127.0.0.1");
      // before the pipe's own listener: a cut armed by cutOnNextSend() stops these bytes
      client.on("data", () => {
        this.sends.push(Date.now());
        if (this.sends.length > 50) this.sends.shift();
        this.cutOnSend?.();
      });
      const pair = [client, upstream] as const;
      this.pairs.add(pair);
      client.on("close", () => this.pairs.delete(pair));
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.pipes.add(a);
        a.on("error", () => b.destroy());
        a.on("close", () => {
          this.pipes.delete(a);
          b.destroy();
        });
        a.pipe(b);
      }
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  cut() {
    this.cut_ = true;
    for (const socket of this.pipes) socket.destroy();
  }

  /**
   * The open connections go silent without a reset (a NAT that forgot them, a peer that
   * vanished): nothing they carry goes through any more, in either direction, and nothing
   * tells either side. New connections work. Returns how many went silent.
   */
  silenceOpen(): number {
    const silenced = [...this.pairs];
    for (const [client, upstream] of silenced) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    this.pairs.clear();
    return silenced.length;
  }

  /** Cuts the moment the agent next sends bytes, before they go through (a request caught in flight). */
  cutOnNextSend(): Promise<void> {
    return new Promise((resolve) => {
      this.cutOnSend = () => {
        this.cutOnSend = undefined;
        this.cut();
        resolve();
      };
    });
  }

  restore() {
    this.cut_ = false;
    for (const socket of this.held) socket.destroy();
  }

  async close() {
    this.cut_ = false;
    for (const socket of [...this.pipes, ...this.held]) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---- agents --------------------------------------------------------------------------------

export interface AgentOptions {
  /** short name; the server is called `chaos-<name>` */
  name: string;
  /**
   * Where the agent's own webhook channel posts:
   *  "own"    its own sink (channel `agent:chaos-<name>`), a destination the backend does not use
   *  "shared" the very URL of its organization's backend channel (channel `backend`): one
   *           destination for both paths, where the backend must not page what the agent paged
   *  "none"   no local channel (the backend is the only path)
   */
  destination?: "own" | "shared" | "none";
}

export interface Timings {
  heartbeatInterval: string;
  checkInterval: string;
  pushInterval: string;
  /** seconds, set on every server row */
  heartbeatTimeoutSeconds: number;
  /** the http monitor's degraded threshold */
  degradedMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  heartbeatInterval: "3s",
  checkInterval: "2s",
  pushInterval: "2s",
  heartbeatTimeoutSeconds: 10,
  degradedMs: 500,
};

export class ChaosAgent {
  readonly server: string;
  readonly dir: string;
  readonly configPath: string;
  child: ChildProcess | undefined;
  log = "";
  orgId = "";
  serverId = "";

  readonly options: AgentOptions;
  readonly target: Target;
  readonly link: NetworkLink;
  readonly sink: Sink | undefined;
  constructor(options: AgentOptions, target: Target, link: NetworkLink, sink: Sink | undefined) {
    this.options = options;
    this.target = target;
    this.link = link;
    this.sink = sink;
    this.server = `chaos-${options.name}`;
    this.dir = mkdtempSync(join(tmpdir(), `custos-chaos-${options.name}-`));
    this.configPath = join(this.dir, "agent.yaml");
  }

  /** the judge's name of the destination the agent's own channel posts to */
  get channel() {
    const destination = this.options.destination ?? "own";
    return destination === "own" ? `agent:${this.server}` : destination === "shared" ? "backend" : "";
  }

  writeConfig(apiKey: string, t: Timings, backendChannelUrl: string) {
    const destination = this.options.destination ?? "own";
    const url =
      destination === "own"
        ? `${this.sink!.url}/agent/${this.server}`
        : destination === "shared"
          ? backendChannelUrl
          : "";
    const channels = url ? `  channels:\n    - type: webhook\n      url: ${url}\n` : "  channels: []\n";
    writeFileSync(
      this.configPath,
      `api_key: ${apiKey}
url: ${this.link.url}
server_name: ${this.server}
heartbeat_interval: ${t.heartbeatInterval}
metrics_push_interval: ${t.pushInterval}
monitors:
  - type: http
    name: web
    check_interval: ${t.checkInterval}
    timeout: 1500ms
    url: ${this.target.url}
    retries: 0
    degraded_ms: ${t.degradedMs}
local_alerts:
  failures_before_alert: 2
${channels}buffer:
  path: ${join(this.dir, "state.db")}
`,
      { mode: 0o600 },
    );
  }

  start() {
    if (this.child) throw new Error(`${this.server} is already running`);
    const child = spawn(process.execPath, [AGENT_MAIN, "run", "--config", this.configPath], {
      env: { ...process.env, CUSTOS_LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const append = (d: Buffer) => {
      this.log += d.toString();
      if (this.log.length > 2_000_000) this.log = this.log.slice(-1_000_000);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    child.once("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
  }

  private async signal(signal: NodeJS.Signals) {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    this.child = undefined;
  }

  /** SIGTERM: a clean stop. */
  stop() {
    return this.signal("SIGTERM");
  }

  /** SIGKILL: no cleanup. */
  kill9() {
    return this.signal("SIGKILL");
  }

  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- the whole setup -----------------------------------------------------------------------

export interface HarnessOptions {
  agents: AgentOptions[];
  timings?: Partial<Timings>;
  /** vitest's inject("pgAdminUrl"): share the test run's PostgreSQL cluster */
  adminUrl?: string;
}

export interface Mark {
  name: string;
  at: number;
}

export class Harness {
  readonly records: SinkRecord[] = [];
  readonly marks: Mark[] = [];
  readonly agents = new Map<string, ChaosAgent>();
  readonly timings: Timings;
  backendSink!: Sink;
  server!: CustosServerHandle;
  sql!: postgres.Sql;
  private serverUp = false;

  private readonly options: HarnessOptions;
  private constructor(options: HarnessOptions) {
    this.options = options;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
  }

  static async start(options: HarnessOptions): Promise<Harness> {
    const h = new Harness(options);
    try {
      await h.boot();
    } catch (error) {
      await h.close();
      throw error;
    }
    return h;
  }

  agent(name: string): ChaosAgent {
    const agent = this.agents.get(name);
    if (!agent) throw new Error(`no agent ${name}`);
    return agent;
  }

  mark(name: string): number {
    const at = Date.now();
    this.marks.push({ name, at });
    return at;
  }

  private async boot() {
    this.server = await startCustosServer({
      ...(this.options.adminUrl ? { adminUrl: this.options.adminUrl } : {}),
      env: { CUSTOS_LOG: "info" },
    });
    this.serverUp = true;
    this.sql = postgres(this.server.databaseUrl, { max: 2, onnotice: () => undefined });
    this.backendSink = new Sink("backend", this.records, () => "backend");
    await this.backendSink.start();

    for (const options of this.options.agents) {
      const target = new Target();
      await target.start();
      const link = new NetworkLink(() => this.server.port);
      await link.start();
      let sink: Sink | undefined;
      if ((options.destination ?? "own") === "own") {
        sink = new Sink(`agent-${options.name}`, this.records, () => `agent:chaos-${options.name}`);
        await sink.start();
      }
      const agent = new ChaosAgent(options, target, link, sink);
      this.agents.set(options.name, agent);

      // one organization per agent: its own identity, one backend channel, one rule
      agent.orgId = await this.server.createOrg(`chaos ${options.name}`);
      const apiKey = await this.server.createKey(agent.orgId, "agent");
      const backendChannelUrl = `${this.backendSink.url}/backend/${agent.server}`;
      const [channel] = await this.sql<{ id: string }[]>`
        insert into public.channels (org_id, name, kind, config)
        values (${agent.orgId}, 'backend sink', 'webhook', ${this.sql.json({ url: backendChannelUrl, headers: {} })})
        returning id`;
      await this.sql`
        insert into public.channel_secrets (channel_id, org_id, secret)
        values (${channel!.id}, ${agent.orgId}, ${this.sql.json({ signing_secret: "chaos-signing-secret-0123456789", headers: {} })})`;
      // critical only: the degraded->down scenario depends on it; every other page is critical
      await this.sql`
        insert into public.alert_rules (org_id, name, min_severity, channel_ids)
        values (${agent.orgId}, 'critical to the sink', 'critical', ${[channel!.id]})`;
      agent.writeConfig(apiKey, this.timings, backendChannelUrl);
      agent.start();
    }

    // registered, then the short timeout, then healthy: heartbeats and ok checks seen
    for (const agent of this.agents.values()) {
      const row = await waitFor(
        async () =>
          (
            await this.sql<{ id: string }[]>`
              select id from public.servers where org_id = ${agent.orgId} and name = ${agent.server}`
          )[0],
        60_000,
        `${agent.server} registered`,
      );
      agent.serverId = row.id;
      await this
        .sql`update public.servers set heartbeat_timeout_seconds = ${this.timings.heartbeatTimeoutSeconds}
                     where id = ${row.id}`;
    }
    await this.waitHealthy(90_000);
  }

  /** Waits (bounded) for the backend to store a new heartbeat of agent `name`; returns when it did. */
  async nextHeartbeat(name: string, timeoutMs = 15_000): Promise<number> {
    const agent = this.agent(name);
    const read = async () => {
      const [row] = await this.sql<{ at: Date | null }[]>`
        select last_heartbeat_at as at from public.servers where id = ${agent.serverId}`;
      return row?.at?.getTime() ?? 0;
    };
    const before = await read();
    return waitFor(
      async () => {
        const at = await read();
        return at > before ? at : undefined;
      },
      timeoutMs,
      `a new heartbeat of ${agent.server}`,
    );
  }

  /** Every running agent: server up, recent heartbeat, its monitor ok on the backend. */
  async waitHealthy(timeoutMs = 60_000) {
    for (const agent of this.agents.values()) {
      if (!agent.child) continue;
      await waitFor(
        async () => {
          const [row] = await this.sql<{ status: string; fresh: boolean; mon: string | null }[]>`
            select s.status::text as status,
                   s.last_heartbeat_at > now() - interval '8 seconds' as fresh,
                   (select m.state || '/' || coalesce(m.last_status::text, '') from public.monitors m
                     where m.server_id = s.id and m.name = 'web') as mon
            from public.servers s where s.id = ${agent.serverId}`;
          return row && row.status === "up" && row.fresh && row.mon === "ok/ok";
        },
        timeoutMs,
        `${agent.server} healthy on the backend`,
      );
    }
  }

  // ---- controls ----

  async stopServer() {
    if (!this.serverUp) return;
    this.serverUp = false;
    await this.server.stop();
  }

  async startServer() {
    if (this.serverUp) return;
    await this.server.start();
    this.serverUp = true;
  }

  /** Server down for `ms` (stop to start call), then up again. */
  async restartServer(ms: number) {
    this.mark("server-stopped");
    await this.stopServer();
    await sleep(ms);
    this.mark("server-starting");
    await this.startServer();
    this.mark("server-up");
  }

  cutNetwork(...names: string[]) {
    for (const name of names.length ? names : [...this.agents.keys()]) this.agent(name).link.cut();
  }

  restoreNetwork(...names: string[]) {
    for (const name of names.length ? names : [...this.agents.keys()]) this.agent(name).link.restore();
  }

  /** The server's log lines that say something went wrong (job failures, errors). */
  serverProblems(max = 20): string[] {
    return this.server
      .output()
      .split("\n")
      .filter((line) => /"level":"(error|warn)"|job failed|Error/.test(line))
      .slice(-max);
  }

  /** What the backend stored about one server, for the report. */
  async backendView(name: string) {
    const agent = this.agent(name);
    const incidents = await this.sql`
      select kind, title, severity::text, started_at, opened_at, resolved_at, flapping
      from public.incidents where server_id = ${agent.serverId} order by opened_at`;
    const outbox = await this.sql`
      select o.event, o.status::text, o.attempts, o.last_error, o.created_at, o.next_attempt_at,
             o.delivered_at, i.title
      from public.notification_outbox o left join public.incidents i on i.id = o.incident_id
      where o.org_id = ${agent.orgId} order by o.id`;
    const agentAlerts = await this.sql`
      select monitor, state, channels::text[] as channels, started_at, sent_at, received_at
      from public.agent_alerts where server_id = ${agent.serverId} order by received_at`;
    return { incidents, outbox, agentAlerts };
  }

  async close() {
    for (const agent of this.agents.values()) {
      await agent.kill9().catch(() => undefined);
      await agent.link.close().catch(() => undefined);
      await agent.target.close().catch(() => undefined);
      await agent.sink?.stop().catch(() => undefined);
      agent.remove();
    }
    await this.backendSink?.stop().catch(() => undefined);
    await this.sql?.end({ timeout: 5 }).catch(() => undefined);
    await this.server?.close().catch(() => undefined);
  }
}
