import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  clearSecrets,
  configVersion,
  holdsReference,
  PutConfigRequest,
} from "./central-config.ts";

describe("central configuration documents", () => {
  it("writes the same canonical JSON, and so the same version, whatever the key order", async () => {
    const a = {
      monitors: [{ type: "http", name: "x", options: { url: "https://a/", retries: 2 } }],
      thresholds: [],
    };
    const b = {
      thresholds: [],
      monitors: [{ options: { retries: 2, url: "https://a/" }, name: "x", type: "http" }],
    };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(await configVersion(a)).toBe(await configVersion(b));
    expect(await configVersion(a)).toMatch(/^[0-9a-f]{64}$/);
    // order of monitors is part of the document
    const c = { ...a, monitors: [...a.monitors, { type: "system", name: "s", options: {} }] };
    const d = { ...a, monitors: [{ type: "system", name: "s", options: {} }, ...a.monitors] };
    expect(await configVersion(c)).not.toBe(await configVersion(d));
  });

  it("finds secrets written in clear, and lets ${VAR} references through", () => {
    expect(holdsReference("Bearer ${TOKEN}")).toBe(true);
    expect(holdsReference("${not a name}")).toBe(false);
    expect(
      clearSecrets({
        password: "hunter2",
        username: "monitor",
        headers: { Authorization: "Basic abc", "X-Team": "ops" },
        connection: "${PG_URL}",
        url: "https://user:pw@host/",
        mirror: "https://user:${PW}@host/",
        nested: [{ api_key: "k" }],
        retries: 3,
      }),
    ).toEqual([["password"], ["headers", "Authorization"], ["url"], ["nested", 0, "api_key"]]);
  });

  it("stores what was written: durations and references are not parsed away", () => {
    const body = {
      scope: "org",
      monitors: [{ type: "http", name: "site", check_interval: "30s", options: { url: "${SITE_URL}" } }],
      thresholds: [{ metric: "cpu.percent", crit_above: 90, for: "5m" }],
    };
    expect(PutConfigRequest.parse(body)).toEqual(body);
  });
});
