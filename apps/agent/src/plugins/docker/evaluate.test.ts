import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { countContainers, summarize } from "./evaluate.ts";
import { parseContainers } from "./parse.ts";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

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
