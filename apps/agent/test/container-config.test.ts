/**
 * The agent.yaml baked into the agent's container image (containers/agent/agent.yaml): the
 * container is configured by CUSTOS_API_KEY and CUSTOS_URL alone, through the config file's
 * `${VAR}` substitution, with the system monitor reading the host's /proc and /sys where
 * docs/containers.md mounts them. apps/server/test/containers.test.ts runs the image itself.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";
import { ConfigError } from "../src/errors.ts";
import { plugins } from "../src/plugins/registry.ts";

const FILE = fileURLToPath(new URL("../../../containers/agent/agent.yaml", import.meta.url));
const KEY = "cus_container-test-key";

function load(env: Record<string, string>) {
  return loadConfig(FILE, { plugins, env });
}

describe("the container image's agent.yaml", () => {
  it("takes the key and the URL from the environment, the buffer from the volume", () => {
    const settings = load({ CUSTOS_API_KEY: KEY, CUSTOS_URL: "http://custos.example.lan:8080/" });
    expect(settings.apiKey).toBe(KEY);
    expect(settings.url).toBe("http://custos.example.lan:8080");
    expect(settings.buffer.path).toBe("/var/lib/custos/agent.db");
    expect(settings.monitors.map((m) => m.type)).toEqual(["system"]);
    expect(settings.monitors[0]?.options).toMatchObject({ proc_path: "/host/proc", sys_path: "/host/sys" });
  });

  it("reads the container's own /proc and /sys when told to", () => {
    const settings = load({
      CUSTOS_API_KEY: KEY,
      CUSTOS_URL: "https://custos.example.com",
      CUSTOS_PROC_PATH: "/proc",
      CUSTOS_SYS_PATH: "/sys",
    });
    expect(settings.monitors[0]?.options).toMatchObject({ proc_path: "/proc", sys_path: "/sys" });
  });

  it("names each variable that is missing", () => {
    let error: unknown;
    try {
      load({});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("api_key: environment variable CUSTOS_API_KEY is not set");
    expect(message).toContain("url: environment variable CUSTOS_URL is not set");
  });
});
