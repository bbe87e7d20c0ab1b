/**
 * The product brief's own agent.yaml (seed 002) loads unchanged: `metrics:` on system, the http
 * plugin's `endpoints:` list, systemd's `services:`, quoted values and no backend `url:`.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { plugins } from "../plugins/registry.ts";
import { parseConfig } from "./load.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/brief-agent.yaml", import.meta.url));
const SEED = fileURLToPath(new URL("../../../../../shared/seeds/002_8dcd219d62c42b5a.txt", import.meta.url));
const FILE = "/etc/custos/agent.yaml";
const load = (text: string) => parseConfig(FILE, text, { plugins, env: {} });

function errorsOf(text: string): string[] {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a config error");
}

describe("the product brief's agent.yaml", () => {
  it("loads unchanged: five monitors, the endpoint with its status and interval, systemd's services as units", () => {
    const settings = load(readFileSync(FIXTURE, "utf8"));
    expect(settings.url).toBeUndefined();
    expect(settings.serverName).toBe("production-server-1");
    expect(settings.heartbeatIntervalMs).toBe(60_000);
    expect(settings.pushIntervalMs).toBe(30_000);
    const byName = new Map(settings.monitors.map((m) => [m.name, m]));
    expect([...byName.keys()]).toEqual([
      "system",
      "tailscale",
      "postgres:localhost:5432/mydb",
      "http:myapi.com",
      "systemd",
    ]);
    const http = byName.get("http:myapi.com");
    expect(http?.intervalMs).toBe(30_000);
    expect(http?.options).toMatchObject({ url: "https://myapi.com/health", expected_status: 200 });
    expect(byName.get("systemd")?.options).toMatchObject({ units: ["nginx", "myapp.service"] });
    // the brief's "ram" is the system plugin's "memory"
    expect(byName.get("system")?.options).toMatchObject({ metrics: ["cpu", "memory", "disk", "network"] });
  });

  it("is, in the fixture, exactly the seed's Configuration Format block", (context) => {
    // the seeds sit next to the checkout on the machine the project started on, not in a clone
    if (!existsSync(SEED)) return context.skip("the product seeds are not next to this checkout");
    const seed = readFileSync(SEED, "utf8");
    const block = /\*\*Configuration Format\*\* \(YAML\):\n```yaml\n([\s\S]*?)```/.exec(seed)?.[1];
    expect(block).toBe(readFileSync(FIXTURE, "utf8"));
  });
});

describe("several targets in one monitor entry (endpoints:)", () => {
  const base = "api_key: k\nurl: https://custos.example.com\nmonitors:\n";

  it("makes one http monitor per endpoint, each with the entry's shared keys and its own", () => {
    const settings = load(`${base}  - type: http
    check_interval: 45s
    retries: 0
    endpoints:
      - url: https://a.example.com/health
      - url: https://b.example.com/
        check_interval: 10s
        name: b-home
`);
    expect(
      settings.monitors.map((m) => [m.name, m.intervalMs, (m.options as { retries: number }).retries]),
    ).toEqual([
      ["http:a.example.com", 45_000, 0],
      ["b-home", 10_000, 0],
    ]);
  });

  it("names the endpoint in errors, and refuses a shared name, an empty list and duplicates", () => {
    expect(
      errorsOf(`${base}  - type: http
    endpoints:
      - url: https://a.example.com
      - url: ftp://b.example.com
`),
    ).toEqual([`${FILE}:7:9: monitors[0].endpoints[1].url: url must be an http:// or https:// URL`]);
    expect(
      errorsOf(`${base}  - type: http\n    name: api\n    endpoints:\n      - url: https://a.example.com\n`),
    ).toEqual([
      `${FILE}:5:5: monitors[0].name: name: applies to one monitor; give each of the endpoints its own name:`,
    ]);
    expect(errorsOf(`${base}  - type: http\n    endpoints: []\n`)).toEqual([
      `${FILE}:5:5: monitors[0].endpoints: expected a list of endpoints, each a mapping (- url: ...)`,
    ]);
    expect(errorsOf(`${base}  - type: http\n    endpoints: https://a.example.com\n`)).toHaveLength(1);
    expect(
      errorsOf(`${base}  - type: http
    endpoints:
      - url: https://a.example.com/x
      - url: https://a.example.com/y
`)[0],
    ).toMatch(
      /monitors\[0\]\.endpoints\[1\]: duplicate monitor name "http:a\.example\.com" \(also monitors\[0\]\.endpoints\[0\]\)/,
    );
  });

  it("takes services: for systemd's units:, and refuses both at once", () => {
    expect(load(`${base}  - type: systemd\n    services: [nginx]\n`).monitors[0]?.options).toMatchObject({
      units: ["nginx"],
    });
    expect(errorsOf(`${base}  - type: systemd\n    services: [nginx]\n    units: [sshd]\n`)).toEqual([
      `${FILE}:5:5: monitors[0].services: use either services: or units:, not both`,
    ]);
  });
});
