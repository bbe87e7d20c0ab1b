import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCustosServer } from "@custos/testkit";
import { afterEach, describe, expect, inject, it } from "vitest";
import { loadOrCreateSigningKey, SIGNING_KEY_FILE, SigningKeyError } from "../src/auth/index.ts";
import { readEnv } from "../src/env.ts";

const quiet = { info() {}, warn() {}, error() {} };
const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "custos-key-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the auth signing key", () => {
  it("is created on first start as a 0600 file holding an ES256 key, and reused afterwards", async () => {
    const dir = join(tempDir(), "not-yet-there");
    const first = await loadOrCreateSigningKey(dir, quiet);
    const file = join(dir, SIGNING_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).key).toMatchObject({
      kty: "EC",
      crv: "P-256",
      kid: first.kid,
    });
    expect(first.jwks.keys).toEqual([expect.objectContaining({ kid: first.kid, alg: "ES256", use: "sig" })]);
    expect(first.jwks.keys[0]).not.toHaveProperty("d");
    const again = await loadOrCreateSigningKey(dir, quiet);
    expect(again.kid).toBe(first.kid);
  });

  it("ends up as one key when several processes create it at once", async () => {
    const dir = tempDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(dir, quiet)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
  });

  it("refuses a damaged key file, naming it, and leaves it in place", async () => {
    const dir = tempDir();
    const file = join(dir, SIGNING_KEY_FILE);
    writeFileSync(file, '{"key": {"kty": "RSA"}}', { mode: 0o600 });
    await expect(loadOrCreateSigningKey(dir, quiet)).rejects.toThrow(SigningKeyError);
    await expect(loadOrCreateSigningKey(dir, quiet)).rejects.toThrow(file);
    expect(readFileSync(file, "utf8")).toBe('{"key": {"kty": "RSA"}}');
  });

  it("stops custos-server at start-up with the file's name when the key is damaged", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, SIGNING_KEY_FILE), "not json", { mode: 0o600 });
    const started = startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { CUSTOS_DATA_DIR: dir } });
    await expect(started).rejects.toThrow(
      /exited with 1[\s\S]*auth-signing-key\.json is not a usable ES256 signing key/,
    );
  });
});

describe("auth settings in the environment", () => {
  it("defaults to 1 h tokens, 5 failures per account and 20 per address in 15 min, no trusted proxy", () => {
    expect(readEnv({})).toMatchObject({
      CUSTOS_JWT_TTL_SECONDS: 3600,
      CUSTOS_AUTH_RATE_LIMIT_ACCOUNT: 5,
      CUSTOS_AUTH_RATE_LIMIT_ADDRESS: 20,
      CUSTOS_AUTH_RATE_LIMIT_WINDOW_SECONDS: 900,
      CUSTOS_AUTH_REFRESH_REUSE_SECONDS: 10,
      CUSTOS_TRUST_PROXY: 0,
    });
  });

  it("reads CUSTOS_TRUST_PROXY as on, off or a number of proxies", () => {
    expect(readEnv({ CUSTOS_TRUST_PROXY: "on" }).CUSTOS_TRUST_PROXY).toBe(1);
    expect(readEnv({ CUSTOS_TRUST_PROXY: "off" }).CUSTOS_TRUST_PROXY).toBe(0);
    expect(readEnv({ CUSTOS_TRUST_PROXY: "2" }).CUSTOS_TRUST_PROXY).toBe(2);
  });

  it.each([
    ["CUSTOS_TRUST_PROXY", "maybe"],
    ["CUSTOS_JWT_TTL_SECONDS", "0"],
    ["CUSTOS_AUTH_RATE_LIMIT_ACCOUNT", "many"],
    ["CUSTOS_PUBLIC_URL", "custos.example.org"],
  ])("refuses %s=%s naming the variable", (name, value) => {
    expect(() => readEnv({ [name]: value })).toThrow(name);
  });

  it("drops a trailing slash from CUSTOS_PUBLIC_URL", () => {
    expect(readEnv({ CUSTOS_PUBLIC_URL: "https://custos.example.org/" }).CUSTOS_PUBLIC_URL).toBe(
      "https://custos.example.org",
    );
  });
});
