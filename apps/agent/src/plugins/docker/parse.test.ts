import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Container, parseContainers } from "./parse.ts";

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
