/**
 * The agent's push path as runtime.ts wires it (client, link, pusher, heartbeat, combined push)
 * against a fake backend, with fast backoff and a movable clock: for the push tests.
 */
import { silentLogger } from "../../src/log.ts";
import { BackendClient } from "../../src/push/client.ts";
import { CombinedPush } from "../../src/push/combined.ts";
import { Heartbeat } from "../../src/push/heartbeat.ts";
import { BackendLink } from "../../src/push/link.ts";
import { Pusher } from "../../src/push/pusher.ts";
import type { Store } from "../../src/store/store.ts";
import type { BackoffOptions } from "../../src/util/backoff.ts";
import type { FakeBackend } from "./fake-backend.ts";

export function pushStack(
  store: Store,
  /** serverId undefined: an agent not registered yet */
  backend: Pick<FakeBackend, "url" | "apiKey"> & { serverId: string | undefined },
  options: {
    timeoutMs?: number;
    now?: () => number;
    backoff?: BackoffOptions;
    maxBatchesPerRound?: number;
    uptimeSeconds?: number;
    beatTimeoutMs?: number;
    smallPushBytes?: number;
  } = {},
) {
  const now = options.now ?? Date.now;
  const client = new BackendClient({
    url: backend.url,
    apiKey: backend.apiKey,
    timeoutMs: options.timeoutMs ?? 5_000,
  });
  const link = new BackendLink({
    store,
    engine: undefined,
    unreachableAfterMs: 60_000,
    processStartedAt: Date.now(),
    log: silentLogger,
  });
  const serverId = () => backend.serverId;
  const pusher = new Pusher({
    store,
    client,
    link,
    serverId,
    log: silentLogger,
    backoff: options.backoff ?? { baseMs: 100, capMs: 1_000 },
    ...(options.maxBatchesPerRound !== undefined ? { maxBatchesPerRound: options.maxBatchesPerRound } : {}),
    now,
  });
  const heartbeat = new Heartbeat({
    store,
    client,
    link,
    serverId,
    log: silentLogger,
    uptimeSeconds: () => options.uptimeSeconds ?? 1,
    ...(options.beatTimeoutMs !== undefined ? { timeoutMs: options.beatTimeoutMs } : {}),
  });
  const combined = new CombinedPush({
    store,
    client,
    link,
    pusher,
    heartbeat,
    serverId,
    log: silentLogger,
    ...(options.beatTimeoutMs !== undefined ? { beatTimeoutMs: options.beatTimeoutMs } : {}),
    ...(options.smallPushBytes !== undefined ? { smallPushBytes: options.smallPushBytes } : {}),
    now,
  });
  return { client, link, pusher, heartbeat, combined, serverId };
}
