/**
 * Registration: POST /register with the host's identity, then keep the server id in the state
 * database. The id is tied to the backend URL and API key it came from; when either changes the
 * agent registers again (the backend finds the same server by machine id).
 */
import { createHash } from "node:crypto";
import { RegisterResponse } from "@custos/protocol";
import { BackendAuthError, BackendRefusedError, BackendUnavailableError } from "../errors.ts";
import { KV } from "../store/kv.ts";
import type { Store } from "../store/store.ts";
import type { BackendClient, SendOutcome } from "./client.ts";
import { registrationRequest } from "./identity.ts";

/**
 * Pace of registration attempts after the organization's plan refused a new server (402
 * PLAN_LIMIT): an operator has to act, so minutes, not the backoff's seconds.
 */
export const PLAN_LIMIT_RETRY_MS = 5 * 60_000;

function apiKeyFingerprint(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex").slice(0, 16);
}

/** The stored server id, if it was obtained from this URL with this API key. */
export function storedServerId(store: Store, url: string, apiKey: string): string | undefined {
  const id = store.kv.get(KV.serverId);
  if (!id) return undefined;
  if (store.kv.get(KV.registeredUrl) !== url) return undefined;
  if (store.kv.get(KV.registeredKeyHash) !== apiKeyFingerprint(apiKey)) return undefined;
  return id;
}

/** Whole seconds, rounded up, within what the backend accepts. */
export function intervalSeconds(ms: number): number {
  return Math.min(86_400, Math.max(1, Math.ceil(ms / 1000)));
}

type RegisterResult =
  | { ok: true; response: RegisterResponse }
  | { ok: false; outcome: SendOutcome; message: string };

export async function register(
  client: BackendClient,
  store: Store,
  options: {
    url: string;
    apiKey: string;
    serverName: string;
    /** The backend keeps the server's timeout at twice this or more. */
    heartbeatIntervalMs?: number;
    signal?: AbortSignal;
  },
): Promise<RegisterResult> {
  const request = {
    ...registrationRequest(options.serverName),
    ...(options.heartbeatIntervalMs
      ? { heartbeat_interval_seconds: intervalSeconds(options.heartbeatIntervalMs) }
      : {}),
  };
  const outcome = await client.post(
    "register",
    JSON.stringify(request),
    options.signal ? { signal: options.signal } : {},
  );
  if (outcome.kind !== "ok") return { ok: false, outcome, message: outcome.message };
  const parsed = RegisterResponse.safeParse(outcome.body);
  if (!parsed.success) {
    return {
      ok: false,
      outcome: {
        kind: "retry",
        status: outcome.status,
        message: "unexpected register response",
        unreachable: false,
      },
      message: `unexpected register response: ${parsed.error.issues[0]?.message ?? "invalid"}`,
    };
  }
  store.transaction(() => {
    store.kv.set(KV.serverId, parsed.data.server_id);
    store.kv.set(KV.registeredUrl, options.url);
    store.kv.set(KV.registeredKeyHash, apiKeyFingerprint(options.apiKey));
    store.kv.set(KV.approval, parsed.data.approval);
  });
  return { ok: true, response: parsed.data };
}

/** For the `register` command: a failure becomes a typed error with a stable exit code. */
export function registerFailure(result: Extract<RegisterResult, { ok: false }>): Error {
  const { outcome } = result;
  if (outcome.kind === "auth")
    return new BackendAuthError(`the backend rejected the API key (${result.message})`);
  if (outcome.kind === "plan_limit")
    return new BackendRefusedError(`the backend refused to register this server: ${outcome.message}`);
  return new BackendUnavailableError(`registration failed: ${result.message}`);
}
