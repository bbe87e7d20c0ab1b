import type { Sql } from "postgres";
import { setBounded } from "../bounded-map.ts";
import type { ApiKeysRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import type { ApiKeyScope, AuthenticatedKey } from "./schemas.ts";
import { hashApiKey, KEY_RE } from "./secret.ts";

interface Entry {
  key: AuthenticatedKey;
  verifiedAt: number;
}

/**
 * Verified keys are kept for `ttlMs` so a heartbeat costs no key lookup and no hashing (the
 * WebCrypto digest is asynchronous: a thread-pool round trip per request, measured at ~40 % of
 * heartbeat throughput). Entries are keyed by the presented key itself, in this process's memory
 * only, like the request that carried it. A miss hashes the key, looks it up and stamps
 * last_used_at in the same statement, so last_used_at is at most ttl old.
 */
export class ApiKeyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #maxEntries: number;
  constructor(ttlMs: number, now: () => number = Date.now, maxEntries = 10_000) {
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#maxEntries = maxEntries;
  }

  async authenticate(
    sql: Sql,
    authorization: string | undefined,
    scope: ApiKeyScope,
  ): Promise<AuthenticatedKey> {
    const key = parseBearer(authorization);
    const hit = this.#entries.get(key);
    let auth: AuthenticatedKey;
    if (hit && this.#now() - hit.verifiedAt < this.#ttlMs) {
      auth = hit.key;
    } else {
      const hash = await hashApiKey(key);
      const rows = await sql<Pick<ApiKeysRow, "id" | "org_id" | "scope" | "max_servers" | "enroll_until">[]>`
        update public.api_keys set last_used_at = now()
        where secret_hash = ${hash} and revoked_at is null
        returning id, org_id, scope, max_servers, enroll_until`;
      const row = rows[0];
      if (!row) {
        this.#entries.delete(key);
        throw new AppError("UNAUTHORIZED", "invalid or revoked API key", { field: "authorization" });
      }
      auth = {
        keyId: row.id,
        orgId: row.org_id,
        scope: row.scope,
        maxServers: row.max_servers,
        enrollUntil: row.enroll_until?.getTime() ?? null,
      };
      setBounded(this.#entries, key, { key: auth, verifiedAt: this.#now() }, this.#maxEntries);
    }
    if (auth.scope !== scope) {
      throw new AppError("FORBIDDEN", `this API key has scope "${auth.scope}"; this route needs "${scope}"`, {
        field: "authorization",
      });
    }
    return auth;
  }

  forgetKeyId(keyId: string): void {
    for (const [key, entry] of this.#entries) if (entry.key.keyId === keyId) this.#entries.delete(key);
  }
}

function parseBearer(header: string | undefined): string {
  if (!header)
    throw new AppError("UNAUTHORIZED", "missing Authorization header (Bearer <api key>)", {
      field: "authorization",
    });
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match)
    throw new AppError("UNAUTHORIZED", "Authorization must be 'Bearer <api key>'", {
      field: "authorization",
    });
  const key = match[1] as string;
  if (!KEY_RE.test(key))
    throw new AppError("UNAUTHORIZED", "invalid or revoked API key", { field: "authorization" });
  return key;
}
