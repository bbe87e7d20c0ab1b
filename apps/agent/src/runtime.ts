/**
 * `custos-agent run`: wires the store, the scheduler, the pusher, heartbeats, registration,
 * local alerts and the optional dashboard, and stops them in order. Collection starts at once
 * and never waits for the network: until the agent is registered, everything is buffered.
 */
import { agentAckLinks } from "./alerts/ack-link.ts";
import { createChannels } from "./alerts/channels/index.ts";
import { AlertDispatcher } from "./alerts/dispatcher.ts";
import { AlertEngine } from "./alerts/engine.ts";
import { CentralConfig } from "./central/manager.ts";
import { MonitorTests } from "./central/monitor-tests.ts";
import { Recorder } from "./collect/recorder.ts";
import type { AgentSettings } from "./config/settings.ts";
import { startDashboard } from "./dashboard/server.ts";
import { substitutionEnv } from "./env.ts";
import type { Logger } from "./log.ts";
import { plugins as registry } from "./plugins/registry.ts";
import type { PluginDefinition } from "./plugins/types.ts";
import { BackendSchedule } from "./push/backend-schedule.ts";
import { BeatSchedule, beatTimeoutMs } from "./push/beat-schedule.ts";
import { BackendClient } from "./push/client.ts";
import { CombinedPush } from "./push/combined.ts";
import { Heartbeat } from "./push/heartbeat.ts";
import { BackendLink } from "./push/link.ts";
import { Pusher } from "./push/pusher.ts";
import { PLAN_LIMIT_RETRY_MS, register, storedServerId } from "./push/register.ts";
import { Scheduler } from "./scheduler/scheduler.ts";
import { KV } from "./store/kv.ts";
import { OUTBOX_KINDS } from "./store/outbox.ts";
import { openStore, type Store } from "./store/store.ts";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./util/backoff.ts";
import { Loop } from "./util/loop.ts";
import { AGENT_VERSION } from "./version.ts";

export interface RunningAgent {
  store: Store;
  dashboardUrl: string | undefined;
  stop(): Promise<void>;
}

interface StartOptions {
  log: Logger;
  /** Overrides for tests (faster retries). */
  backoff?: BackoffOptions;
  alertBackoff?: BackoffOptions;
  pendingApprovalRetryMs?: number;
  /** How often to try registering again after the plan refused it (402 PLAN_LIMIT). */
  planLimitRetryMs?: number;
  /** What a central configuration's monitors may use (tests); the registry by default. */
  plugins?: Readonly<Record<string, PluginDefinition>>;
  /** `${VAR}` values for a central configuration; the process environment by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

const MAINTENANCE_EVERY_MS = 60_000;
const FIRST_PUSH_AFTER_MS = 1_000;
/**
 * After a check changed state or a page was reported, push this soon (not at the next beat):
 * long enough to gather what one collection round changed into one push.
 */
const PROMPT_PUSH_AFTER_MS = 1_000;
/** How long the single-kind loops sleep while the combined push is in use (they are woken). */
const IDLE_WHILE_COMBINED_MS = 3_600_000;

export async function startAgent(settings: AgentSettings, options: StartOptions): Promise<RunningAgent> {
  const { log } = options;
  const startedAt = Date.now();
  const store = openStore(settings.buffer.path, {
    caps: { maxAgeMs: settings.buffer.maxAgeMs, maxBytes: settings.buffer.maxBytes },
  });
  // Without `url:` the agent runs on its own: it collects, alerts on its own channels and keeps
  // its buffer (capped as always), and nothing below that talks to a backend is started.
  const backendUrl = settings.url;
  let serverId = backendUrl ? storedServerId(store, backendUrl, settings.apiKey) : undefined;
  const getServerId = () => serverId;
  const client = new BackendClient({ url: backendUrl ?? "", apiKey: settings.apiKey });
  // agent.yaml's monitors plus the central configuration kept from the last run (decision 0037)
  const central = new CentralConfig({
    store,
    client: backendUrl ? client : undefined,
    plugins: options.plugins ?? registry,
    env: options.env ?? substitutionEnv(),
    local: settings.monitors,
    serverId: getServerId,
    log: log.child({ component: "config" }),
  });
  await central.restore();
  // tests of a monitor from the dashboard, run once when a heartbeat answer says one waits (0045)
  const monitorTests = new MonitorTests({
    client,
    plugins: options.plugins ?? registry,
    env: options.env ?? substitutionEnv(),
    serverId: getServerId,
    log: log.child({ component: "monitor-test" }),
  });
  const forgotten = store.monitors.keepOnlyParents(central.monitors.map((m) => m.name));
  if (forgotten > 0) log.info("forgot the state of monitors removed from the config", { count: forgotten });

  const channels = createChannels(settings.localAlerts.channels);
  const dispatcher = new AlertDispatcher({
    store,
    channels,
    serverName: settings.serverName,
    serverId: getServerId,
    log: log.child({ component: "alerts" }),
    ...(options.alertBackoff ? { backoff: options.alertBackoff } : {}),
    onReported: () => pushSoon(),
    ackLink: agentAckLinks({
      store,
      apiKey: settings.apiKey,
      backendUrl,
      serverId: getServerId,
    }),
  });
  const engine = new AlertEngine({
    store,
    serverName: settings.serverName,
    serverId: getServerId,
    policy: settings.localAlerts.policy,
    channels: channels.map((c) => ({ key: c.key, type: c.type })),
    log: log.child({ component: "alerts" }),
    onAlert: () => dispatcher.wake(),
  });
  // set once the push loops exist: a change is pushed soon instead of at the next beat
  let pushSoon = () => {};
  const link = new BackendLink({
    store,
    engine,
    unreachableAfterMs: settings.localAlerts.backendUnreachableAfterMs,
    processStartedAt: startedAt,
    log: log.child({ component: "link" }),
  });
  const recorder = new Recorder({
    store,
    engine,
    history: settings.dashboard.enabled,
    log,
    onStateChange: () => pushSoon(),
  });
  const scheduler = new Scheduler({
    monitors: central.monitors,
    clockAligned: settings.clockAligned,
    state: store.pluginState,
    onResult: (result) => {
      central.observe(result.samples, Date.now());
      recorder.record(result);
    },
    log,
  });
  central.attach(scheduler);

  const pusher = new Pusher({
    store,
    client,
    link,
    serverId: getServerId,
    log: log.child({ component: "push" }),
    intervalMs: settings.pushIntervalMs,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.pendingApprovalRetryMs ? { pendingApprovalRetryMs: options.pendingApprovalRetryMs } : {}),
  });
  // Backends with the combined push (decision 0036) get everything in it; the loops of the
  // single-kind routes below sleep until a backend without it is met.
  // one loop per kind: a kind the backend keeps refusing backs off alone, and a slow answer
  // (up to the 30 s timeout) to one kind delays no other kind's push
  const pushLoops = new Map(
    OUTBOX_KINDS.map((kind) => [
      kind,
      new Loop(
        `push ${kind}`,
        async (signal) =>
          combined.legacy ? (await pusher.pushKind(kind, signal)).delayMs : IDLE_WHILE_COMBINED_MS,
        log,
      ),
    ]),
  );

  // a beat (either route) gives up after half an interval (decision 0047)
  const beatTimeout = beatTimeoutMs(settings.heartbeatIntervalMs);
  const heartbeat = new Heartbeat({
    store,
    client,
    link,
    serverId: getServerId,
    intervalMs: settings.heartbeatIntervalMs,
    timeoutMs: beatTimeout,
    log: log.child({ component: "heartbeat" }),
    pages: dispatcher,
    config: {
      seen: (answer) => {
        central.seen(answer);
        monitorTests.seen(answer);
      },
    },
    schedule: new BackendSchedule({
      store,
      engine,
      notPagingAfterMs: settings.localAlerts.backendUnreachableAfterMs,
      processStartedAt: startedAt,
      log: log.child({ component: "link" }),
    }),
  });
  const combined = new CombinedPush({
    store,
    client,
    link,
    pusher,
    heartbeat,
    serverId: getServerId,
    beatTimeoutMs: beatTimeout,
    log: log.child({ component: "push" }),
  });
  const beats = new BeatSchedule({
    intervalMs: settings.heartbeatIntervalMs,
    firstAt: Date.now() + Heartbeat.phase(settings.heartbeatIntervalMs),
  });
  const pushLoop = new Loop(
    "push",
    async (signal) => {
      if (combined.legacy) return combined.legacyRemainingMs();
      const started = Date.now();
      const beat = beats.take(started);
      const result = await combined.run(signal, { beat });
      if (result.legacy) {
        // an older backend: the single-kind loops take over (the heartbeat at once)
        beats.beatNow();
        heartbeatLoop.wake();
        for (const loop of pushLoops.values()) loop.wake();
        return combined.legacyRemainingMs();
      }
      const now = Date.now();
      beats.settled(result.beat, started, now);
      return Math.min(beats.dueInMs(now), result.dataDueInMs ?? Number.POSITIVE_INFINITY);
    },
    log,
  );
  let pushSoonTimer: NodeJS.Timeout | undefined;
  pushSoon = () => {
    if (!backendUrl || pushSoonTimer) return;
    pushSoonTimer = setTimeout(() => {
      pushSoonTimer = undefined;
      if (combined.legacy) for (const kind of ["alerts", "checks"] as const) pushLoops.get(kind)?.wake();
      else pushLoop.wake();
    }, PROMPT_PUSH_AFTER_MS);
    pushSoonTimer.unref();
  };
  const heartbeatLoop = new Loop(
    "heartbeat",
    async (signal) => {
      // the combined push carries the heartbeat; this loop beats only on the single-kind route
      if (!combined.legacy) return IDLE_WHILE_COMBINED_MS;
      const started = Date.now();
      if (!beats.take(started)) return beats.dueInMs(started);
      const outcome = await heartbeat.beat(signal);
      if (outcome?.kind === "ok") for (const kind of pusher.backendReachable()) pushLoops.get(kind)?.wake();
      const now = Date.now();
      beats.settled(outcome, started, now);
      return beats.dueInMs(now);
    },
    log,
  );

  let registerFailures = 0;
  const registrationLoop = new Loop(
    "registration",
    async (signal) => {
      const result = await register(client, store, {
        url: backendUrl ?? "", // this loop starts only with a url
        apiKey: settings.apiKey,
        serverName: settings.serverName,
        heartbeatIntervalMs: settings.heartbeatIntervalMs,
        signal,
      });
      if (result.ok) {
        serverId = result.response.server_id;
        store.kv.delete(KV.registrationRefused);
        link.reachable();
        log.info("registered with the backend", { server_id: serverId, approval: result.response.approval });
        // one heartbeat right away (the installer waits for it), then the random phase
        beats.beatNow();
        pushLoop.wake();
        heartbeatLoop.start(0);
        for (const loop of pushLoops.values()) loop.wake();
        return "stop";
      }
      link.record(result.outcome);
      if (result.outcome.kind === "plan_limit") {
        // an operator must act (remove a server, change the plan): one error per attempt, in
        // minutes; collecting, buffering and local alerts go on meanwhile
        const delay = options.planLimitRetryMs ?? PLAN_LIMIT_RETRY_MS;
        store.kv.set(KV.registrationRefused, result.outcome.message);
        log.error(`the backend refused to register this server: ${result.outcome.message}`, {
          retry_in_ms: delay,
        });
        return delay;
      }
      const delay =
        result.outcome.kind === "auth"
          ? 300_000
          : Math.max(1_000, backoffDelay(registerFailures++, options.backoff ?? DEFAULT_BACKOFF));
      log.warn("registration failed; will retry", { error: result.message, retry_in_ms: delay });
      return delay;
    },
    log,
  );

  const watchEvery = Math.min(
    5_000,
    Math.max(100, Math.floor(settings.localAlerts.backendUnreachableAfterMs / 10)),
  );
  const watchLoop = new Loop(
    "backend watch",
    () => {
      link.tick();
      return watchEvery;
    },
    log,
  );
  const maintenanceLoop = new Loop(
    "maintenance",
    () => {
      const now = Date.now();
      const dropped = store.outbox.enforceCaps(now);
      if (dropped > 0) log.warn("buffer cap reached; dropped the oldest samples", { dropped });
      store.events.prune(now);
      store.history.prune(now);
      store.alerts.prune(now);
      store.rejected.prune(now);
      return MAINTENANCE_EVERY_MS;
    },
    log,
  );

  let dashboard: Awaited<ReturnType<typeof startDashboard>> | undefined;
  if (settings.dashboard.enabled) {
    try {
      dashboard = await startDashboard({
        store,
        serverName: settings.serverName,
        bind: settings.dashboard.bind,
        port: settings.dashboard.port,
        log: log.child({ component: "dashboard" }),
      });
    } catch (error) {
      // the dashboard is optional: the agent keeps collecting without it
      log.error("local dashboard could not start", {
        error: (error as Error).message,
        port: settings.dashboard.port,
      });
    }
  }

  log.info("custos-agent started", {
    version: AGENT_VERSION,
    config: settings.file,
    state: settings.buffer.path,
    monitors: central.monitors.filter((m) => m.enabled).map((m) => m.name),
    registered: serverId !== undefined,
  });

  scheduler.start();
  dispatcher.start();
  maintenanceLoop.start(0);
  watchLoop.start(watchEvery);
  if (backendUrl) {
    for (const loop of pushLoops.values()) loop.start(FIRST_PUSH_AFTER_MS);
    pushLoop.start(serverId ? 0 : FIRST_PUSH_AFTER_MS);
    if (serverId) heartbeatLoop.start(0);
    else registrationLoop.start(0);
  } else {
    log.warn("no url: in the config, so this agent talks to no backend (local alerts only)");
  }

  let stopping: Promise<void> | undefined;
  return {
    store,
    dashboardUrl: dashboard?.url,
    stop() {
      stopping ??= (async () => {
        log.info("custos-agent stopping");
        central.stop();
        monitorTests.stop();
        clearTimeout(pushSoonTimer);
        await scheduler.stop();
        await Promise.all([
          registrationLoop.stop(),
          ...[...pushLoops.values()].map((loop) => loop.stop()),
          pushLoop.stop(),
          heartbeatLoop.stop(),
          watchLoop.stop(),
          maintenanceLoop.stop(),
          dispatcher.stop(),
          dashboard?.close(),
        ]);
        store.close();
        log.info("custos-agent stopped");
      })();
      return stopping;
    },
  };
}
