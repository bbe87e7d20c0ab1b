import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "@custos/backend";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from "jose";
import type { Sql } from "postgres";

export const SIGNING_KEY_FILE = "auth-signing-key.json";
const ALG = "ES256";

export interface SigningKey {
  kid: string;
  /** Created by this start (first start, or the file was deleted): earlier sessions must end. */
  created: boolean;
  privateKey: CryptoKey;
  /** What /auth/v1/.well-known/jwks.json serves and what the Hono app verifies against. */
  jwks: JSONWebKeySet;
}

interface KeyFile {
  note: string;
  created_at: string;
  key: JWK;
}

export class SigningKeyError extends Error {}

/**
 * The ES256 key that signs access tokens, kept in `<dataDir>/auth-signing-key.json` (mode 0600),
 * created on first start. Deleting the file makes the next start create a new key: every access
 * token issued so far stops verifying, and endSessionsOfOldKey() deletes every session, so
 * everyone is signed out (their refresh tokens go too). Several processes on one database must
 * share this file. Two processes starting at once agree on one key: the file appears atomically
 * (link(2)), the loser reads the winner's.
 */
export async function loadOrCreateSigningKey(dataDir: string, log: Logger): Promise<SigningKey> {
  const dir = resolve(dataDir);
  const file = join(dir, SIGNING_KEY_FILE);
  let created = false;
  if (!exists(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o755 }); // as database.ts: the embedded cluster's OS user must reach it
    created = await createKeyFile(file);
  }
  const key = { ...(await readKeyFile(file)), created };
  if (created) log.info("created the auth signing key", { file, kid: key.kid });
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    log.warn("auth signing key is readable by other users; chmod 600 it", { file, mode: mode.toString(8) });
  }
  return key;
}

async function createKeyFile(file: string): Promise<boolean> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const content: KeyFile = {
    note: "custos-server's access token signing key. Deleting it signs everyone out (a new one is created at start).",
    created_at: new Date().toISOString(),
    key: { ...jwk, kid, alg: ALG, use: "sig" },
  };
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}

async function readKeyFile(file: string): Promise<Omit<SigningKey, "created">> {
  const fail = (why: string) =>
    new SigningKeyError(
      `${file} is not a usable ES256 signing key (${why}); move it away to create a new one at start, which signs everyone out`,
    );
  let content: KeyFile;
  try {
    content = JSON.parse(readFileSync(file, "utf8")) as KeyFile;
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  const jwk = content?.key;
  if (jwk?.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d || !jwk.x || !jwk.y) {
    throw fail("expected an EC P-256 private JWK under `key`");
  }
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...jwk, alg: ALG }, ALG)) as CryptoKey;
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  const kid = await calculateJwkThumbprint({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y });
  const publicJwk: JWK = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, kid, alg: ALG, use: "sig" };
  return { kid, privateKey, jwks: { keys: [publicJwk] } };
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** After a new key: sessions of the old one are ended (a no-op on a first start). */
export async function endSessionsOfOldKey(sql: Sql, key: SigningKey, log: Logger): Promise<void> {
  if (!key.created) return;
  const ended = await sql`delete from auth.sessions`;
  if (ended.count > 0) {
    log.warn("new auth signing key: every earlier session was signed out", {
      sessions: ended.count,
      kid: key.kid,
    });
  }
}
