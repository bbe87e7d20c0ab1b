import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testPlugins } from "../../test/helpers/test-plugins.ts";
import { ConfigError } from "../errors.ts";
import { loadConfig, parseConfig } from "./load.ts";

const dir = mkdtempSync(join(tmpdir(), "custos-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILE = "/etc/custos/agent.yaml";
const BASE = "api_key: k\nurl: https://custos.example.com\n";

function errorsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(FILE, text, { plugins: testPlugins, env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a config error");
}

describe("config file", () => {
  it("reads the seed format with defaults filled in", () => {
    const settings = parseConfig(
      FILE,
      `${BASE}server_name: web-1
heartbeat_interval: 60s
metrics_push_interval: 30s
clock_aligned: true
monitors:
  - type: probe
    url: https://api.example.com/health
    check_interval: 15s
  - type: probe
    name: second
    url: https://other.example.com
    enabled: false
local_alerts:
  failures_before_alert: 3
  backend_unreachable_after: 10m
  channels:
    - type: ntfy
      topic: custos-alerts
    - type: email
      host: smtp.example.com
      from: custos@example.com
      to: [ops@example.com]
local_dashboard: { enabled: true }
buffer: { max_age: 12h, max_bytes: 50MB, path: state/agent.db }
`,
      { plugins: testPlugins, env: {} },
    );
    expect(settings.serverName).toBe("web-1");
    expect(settings.url).toBe("https://custos.example.com");
    expect(settings.heartbeatIntervalMs).toBe(60_000);
    expect(settings.pushIntervalMs).toBe(30_000);
    expect(settings.clockAligned).toBe(true);
    expect(settings.monitors.map((m) => [m.name, m.intervalMs, m.timeoutMs, m.enabled])).toEqual([
      ["probe:api.example.com", 15_000, 10_000, true],
      ["second", 30_000, 10_000, false],
    ]);
    expect(settings.monitors[0]?.options).toEqual({
      url: "https://api.example.com/health",
      expected_status: 200,
    });
    expect(settings.localAlerts).toMatchObject({
      policy: { failuresToOpen: 3, successesToResolve: 2 },
      backendUnreachableAfterMs: 600_000,
    });
    expect(settings.localAlerts.channels[0]).toEqual({
      type: "ntfy",
      topic: "custos-alerts",
      server: "https://ntfy.sh",
    });
    expect(settings.dashboard).toEqual({ enabled: true, port: 3000, bind: "127.0.0.1" });
    expect(settings.buffer).toEqual({
      maxAgeMs: 43_200_000,
      maxBytes: 50_000_000,
      path: "/etc/custos/state/agent.db",
    });
  });

  it("uses 2 failures, 2 successes, flapping above 5 changes in 30 min, 5 minutes, 24 h and 200 MB when local_alerts and buffer are left out", () => {
    const settings = parseConfig(FILE, BASE, { plugins: testPlugins, env: {} });
    expect(settings.localAlerts).toEqual({
      policy: { failuresToOpen: 2, successesToResolve: 2, flapThreshold: 5, flapWindowMs: 1_800_000 },
      backendUnreachableAfterMs: 300_000,
      channels: [],
    });
    expect(settings.buffer).toEqual({
      maxAgeMs: 86_400_000,
      maxBytes: 200_000_000,
      path: "/var/lib/custos/agent.db",
    });
    expect(settings.dashboard.enabled).toBe(false);
    expect(settings.clockAligned).toBe(false);
  });

  it("reports malformed YAML with file, line and column", () => {
    expect(errorsOf(`${BASE}monitors:\n  - type: probe\n   url: [unclosed\n`)[0]).toMatch(
      /^\/etc\/custos\/agent\.yaml:5:\d+: YAML syntax error: /,
    );
  });

  it("names a missing required key", () => {
    expect(errorsOf("url: https://custos.example.com\n")).toEqual([
      `${FILE}:1:1: api_key: missing required key`,
    ]);
  });

  it("names the key and line of a value of the wrong type", () => {
    expect(errorsOf(`${BASE}heartbeat_interval: 60s\nclock_aligned: "yes"\n`)).toEqual([
      `${FILE}:4:1: clock_aligned: expected boolean, received string`,
    ]);
  });

  it("points at an invalid duration inside a monitor", () => {
    const text = `${BASE}monitors:\n  - type: probe\n    url: https://a.example.com\n  - type: probe\n    url: https://b.example.com\n  - type: probe\n    url: https://c.example.com\n    check_interval: 5x\n`;
    expect(errorsOf(text)).toEqual([
      `${FILE}:10:5: monitors[2].check_interval: invalid duration "5x" (use e.g. 30s, 5m, 1h)`,
    ]);
  });

  it("refuses unknown top-level keys and lists the known ones", () => {
    const [line] = errorsOf(`${BASE}heartbeat: 60s\n`);
    expect(line).toMatch(
      /^\/etc\/custos\/agent\.yaml:3:1: heartbeat: unknown key \(known keys: api_key, server_name, url, /,
    );
  });

  it("refuses unknown monitor keys, naming the monitor and the key", () => {
    expect(
      errorsOf(`${BASE}monitors:\n  - type: probe\n    url: https://a.example.com\n    expect_status: 200\n`),
    ).toEqual([
      `${FILE}:6:5: monitors[0].expect_status: unknown key (known keys: type, name, enabled, check_interval, timeout, url, expected_status)`,
    ]);
  });

  it("refuses unknown keys in nested sections", () => {
    expect(
      errorsOf(
        `${BASE}local_alerts:\n  channels:\n    - type: slack\n      webhook_url: https://hooks.example.com/x\n      channel: ops\n`,
      ),
    ).toEqual([`${FILE}:7:7: local_alerts.channels[0].channel: unknown key`]);
  });

  it("refuses an unknown plugin type and lists the known ones", () => {
    expect(
      errorsOf(`${BASE}monitors:\n  - type: probe\n    url: https://a.example.com\n  - type: tailscal\n`),
    ).toEqual([`${FILE}:6:5: monitors[1].type: unknown monitor type "tailscal" (known: probe, scripted)`]);
  });

  it("refuses an unknown alert channel type", () => {
    expect(errorsOf(`${BASE}local_alerts:\n  channels:\n    - type: pager\n`)).toEqual([
      `${FILE}:5:7: local_alerts.channels[0].type: unknown type (known: email, slack, webhook, ntfy, discord, telegram, gotify, pushover, pagerduty, matrix, teams, sms)`,
    ]);
  });

  it("validates a monitor's options with its plugin's schema", () => {
    expect(errorsOf(`${BASE}monitors:\n  - type: probe\n    url: not a url\n`)).toEqual([
      `${FILE}:5:5: monitors[0].url: Invalid URL`,
    ]);
  });

  it("refuses two monitors with the same name", () => {
    expect(
      errorsOf(
        `${BASE}monitors:\n  - type: probe\n    url: https://a.example.com\n  - type: probe\n    url: https://a.example.com/other\n`,
      ),
    ).toEqual([
      `${FILE}:6:5: monitors[1]: duplicate monitor name "probe:a.example.com" (also monitors[0]); give each a distinct name:`,
    ]);
  });

  it("reports every problem of the file at once, in line order", () => {
    const lines = errorsOf(
      `api_key: k\nurl: ftp://x\nmonitors:\n  - type: nope\n  - type: probe\n    url: https://a.example.com\n    timeout: soon\n`,
    );
    expect(lines).toEqual([
      `${FILE}:2:1: url: expected an http:// or https:// URL`,
      `${FILE}:4:5: monitors[0].type: unknown monitor type "nope" (known: probe, scripted)`,
      `${FILE}:7:5: monitors[1].timeout: invalid duration "soon" (use e.g. 30s, 5m, 1h)`,
    ]);
  });

  it("substitutes environment variables, with defaults and escapes", () => {
    const settings = parseConfig(
      FILE,
      `api_key: \${CUSTOS_KEY}\nurl: \${CUSTOS_URL:-https://fallback.example.com}\nserver_name: "web-\${SITE}-$\${literal}"\nlocal_dashboard:\n  port: \${PORT}\n`,
      { plugins: testPlugins, env: { CUSTOS_KEY: "secret-key", SITE: "lima", PORT: "3100" } },
    );
    expect(settings.apiKey).toBe("secret-key");
    expect(settings.url).toBe("https://fallback.example.com");
    expect(settings.serverName).toBe(["web-lima-$", "{literal}"].join(""));
    expect(settings.dashboard.port).toBe(3100);
  });

  it("names the unset environment variable and where it is used", () => {
    expect(errorsOf(`api_key: \${CUSTOS_API_KEY}\nurl: https://custos.example.com\n`)).toEqual([
      `${FILE}:1:1: api_key: environment variable CUSTOS_API_KEY is not set`,
    ]);
  });

  it("refuses a config file larger than 1 MB before parsing it", () => {
    const path = join(dir, "huge.yaml");
    writeFileSync(path, `${BASE}# ${"x".repeat(1_100_000)}\n`);
    expect(() => loadConfig(path, { plugins: testPlugins, env: {} })).toThrow(
      new RegExp(`^${path}: config file is \\d+ bytes; the limit is 1048576 \\(1 MB\\)$`),
    );
  });

  it("says so when the file does not exist", () => {
    const path = join(dir, "missing.yaml");
    expect(() => loadConfig(path, { plugins: testPlugins, env: {} })).toThrow(
      `${path}: config file not found`,
    );
  });

  it("refuses an empty file and a file that is not a mapping", () => {
    expect(errorsOf("")).toEqual([`${FILE}: config file is empty`]);
    expect(errorsOf("- a\n- b\n")[0]).toMatch(/^\/etc\/custos\/agent\.yaml:1:1: expected a mapping/);
  });

  it("keeps the buffer within what the backend accepts (at most 7 days)", () => {
    expect(errorsOf(`${BASE}buffer:\n  max_age: 8d\n`)).toEqual([
      `${FILE}:4:3: buffer.max_age: at most 7d (the backend refuses older samples)`,
    ]);
  });
});
