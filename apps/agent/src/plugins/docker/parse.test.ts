import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { socketProblem } from "./client.ts";
import { type Container, countContainers, parseContainers, summarize } from "./parse.ts";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

describe("parseContainers", () => {
  const containers = parseContainers(fixture("containers-v1.47.json"));
  const byName = (name: string) => containers.find((container) => container.name === name);

  it.each<[string, Partial<Container>]>([
    ["traefik", { state: "running", status: "Up 3 days" }],
    ["nextcloud-app-1", { state: "running", health: "healthy" }],
    ["nextcloud-db-1", { state: "running", health: "unhealthy" }],
    ["immich-machine-learning", { state: "running", health: "starting" }],
    ["jellyfin", { state: "paused", status: "Up 4 days (Paused)" }],
    ["crashy-worker", { state: "restarting" }],
    ["nightly-backup", { state: "exited", status: "Exited (0) 5 hours ago" }],
    ["old-test", { state: "created" }],
  ])("reads %s from a v1.47 listing", (name, expected) => {
    expect(byName(name)).toMatchObject(expected);
  });

  it("has no health for containers without a health check", () => {
    expect(byName("traefik")?.health).toBeUndefined();
    expect(byName("jellyfin")?.health).toBeUndefined();
  });

  it("takes health from the Health object of API v1.52 and later", () => {
    const recent = parseContainers(fixture("containers-v1.52-health.json"));
    expect(recent.map((container) => [container.name, container.health])).toEqual([
      ["homeassistant", "healthy"],
      ["mosquitto", "unhealthy"],
      ["zigbee2mqtt", undefined],
      ["esphome", undefined],
    ]);
  });

  it("accepts the capitalised State of the API documentation's examples and a missing name", () => {
    const [container] = parseContainers([{ Id: "8dfafdbc3a40aa", State: "Exited", Status: "Exit 0" }]);
    expect(container).toEqual({
      id: "8dfafdbc3a40aa",
      name: "8dfafdbc3a40",
      state: "exited",
      status: "Exit 0",
    });
  });

  it("rejects an answer that is not a container list", () => {
    expect(() => parseContainers({ message: "page not found" })).toThrow(
      /unexpected \/containers\/json answer/,
    );
  });
});

describe("countContainers and summarize", () => {
  const containers = parseContainers(fixture("containers-v1.47.json"));

  it("counts running, stopped, paused, restarting and unhealthy containers", () => {
    expect(countContainers(containers)).toEqual({
      total: 8,
      running: 4,
      stopped: 2,
      paused: 1,
      restarting: 1,
      unhealthy: 1,
    });
  });

  it("is degraded when a container is unhealthy or restarting and none are required", () => {
    const { check, samples } = summarize(containers);
    expect(check).toEqual({
      status: "degraded",
      message:
        "unhealthy: nextcloud-db-1; restarting: crashy-worker; 8 containers: 4 running, 2 stopped, 1 paused, 1 restarting, 1 unhealthy",
    });
    expect(samples).toContainEqual({ name: "docker.containers.running", value: 4 });
    expect(samples).toContainEqual({ name: "docker.containers.unhealthy", value: 1 });
  });

  it.each<[string[], string, string]>([
    [
      ["traefik", "nextcloud-app-1"],
      "ok",
      "8 containers: 4 running, 2 stopped, 1 paused, 1 restarting, 1 unhealthy",
    ],
    [["traefik", "nextcloud-db-1"], "degraded", "nextcloud-db-1: unhealthy; 8 containers"],
    [["nightly-backup"], "down", "nightly-backup: exited (Exited (0) 5 hours ago); 8 containers"],
    [["jellyfin"], "down", "jellyfin: paused (Up 4 days (Paused)); 8 containers"],
    [["crashy-worker"], "down", "crashy-worker: restarting (Restarting (1) 8 seconds ago); 8 containers"],
    [
      ["vaultwarden", "nextcloud-db-1"],
      "down",
      "vaultwarden: no such container; nextcloud-db-1: unhealthy; 8 containers",
    ],
  ])("with containers %j the check is %s", (required, status, message) => {
    const { check, samples } = summarize(containers, required);
    expect(check.status).toBe(status);
    expect(check.message?.startsWith(message)).toBe(true);
    expect(samples.filter((sample) => sample.name === "docker.container.running")).toHaveLength(
      required.length,
    );
  });

  it("reports an empty engine as ok with zero counts", () => {
    const { check, samples } = summarize(parseContainers(fixture("containers-empty.json")));
    expect(check).toEqual({ status: "ok", message: "0 containers: 0 running, 0 stopped" });
    expect(samples.every((sample) => sample.value === 0)).toBe(true);
  });
});

describe("socketProblem", () => {
  it.each([
    [
      "ENOENT",
      true,
      "no Docker socket at /var/run/docker.sock (is Docker installed? set socket: if it lives elsewhere)",
    ],
    [
      "EACCES",
      true,
      "permission denied on /var/run/docker.sock: add the custos user to the docker group (usermod -aG docker custos) and restart the agent",
    ],
    ["ENOTSOCK", true, "/var/run/docker.sock is not a socket (check the socket: option)"],
    ["ECONNREFUSED", false, "Docker engine not running: connection refused on /var/run/docker.sock"],
    ["EPIPE", false, "cannot reach the Docker engine on /var/run/docker.sock: write EPIPE"],
  ] as const)("%s -> unsupported %s", (code, unsupported, message) => {
    expect(socketProblem(code, "/var/run/docker.sock", `write ${code}`)).toEqual({ unsupported, message });
  });
});
