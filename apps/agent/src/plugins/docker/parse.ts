/**
 * Pure interpretation of the Docker Engine API's `GET /containers/json?all=true`: container states
 * and health, the counts, and the check result.
 */
import { type CheckStatus, worseStatus } from "@custos/protocol";
import { z } from "zod";
import type { CheckOutcome, Sample } from "../types.ts";

/** The fields we use of a ContainerSummary; the engine sends many more (open schema). */
const ContainerSummary = z.looseObject({
  Id: z.string(),
  Names: z.array(z.string()).nullish(),
  Image: z.string().nullish(),
  State: z.string(),
  Status: z.string().nullish(),
  /** Since API v1.52; older engines put the health in the Status text only. */
  Health: z.looseObject({ Status: z.string() }).nullish(),
});
const ContainerList = z.array(ContainerSummary);

export type Health = "healthy" | "unhealthy" | "starting";

export interface Container {
  id: string;
  name: string;
  image?: string;
  /** created, running, paused, restarting, removing, exited or dead. */
  state: string;
  /** The engine's own wording: "Up 2 hours (healthy)", "Exited (0) 5 hours ago". */
  status: string;
  health?: Health;
}

/** "Up 2 hours (unhealthy)", "Up 12 seconds (health: starting)": moby's State.String(). */
function healthFromStatus(status: string): Health | undefined {
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  if (!match) return undefined;
  return match[1] === "health: starting" ? "starting" : (match[1] as Health);
}

export function parseContainers(json: unknown): Container[] {
  const parsed = ContainerList.safeParse(json);
  if (!parsed.success) {
    throw new Error(`unexpected /containers/json answer: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  return parsed.data.map((summary) => {
    const status = summary.Status ?? "";
    const reported = summary.Health?.Status;
    const health =
      reported === "healthy" || reported === "unhealthy" || reported === "starting"
        ? reported
        : healthFromStatus(status);
    const container: Container = {
      id: summary.Id,
      name: (summary.Names?.[0] ?? summary.Id.slice(0, 12)).replace(/^\//, ""),
      state: summary.State.toLowerCase(),
      status,
    };
    if (summary.Image) container.image = summary.Image;
    if (health) container.health = health;
    return container;
  });
}

export interface Counts {
  total: number;
  running: number;
  stopped: number;
  paused: number;
  restarting: number;
  unhealthy: number;
}

export function countContainers(containers: Container[]): Counts {
  const counts: Counts = {
    total: containers.length,
    running: 0,
    stopped: 0,
    paused: 0,
    restarting: 0,
    unhealthy: 0,
  };
  for (const container of containers) {
    if (container.state === "running") counts.running += 1;
    else if (container.state === "paused") counts.paused += 1;
    else if (container.state === "restarting") counts.restarting += 1;
    else counts.stopped += 1; // created, exited, dead, removing
    if (container.health === "unhealthy") counts.unhealthy += 1;
  }
  return counts;
}

/**
 * With `required`: down when a listed container is missing or not running, degraded when one is
 * unhealthy. Without: degraded when any container is unhealthy or restarting (a crash loop).
 */
export function summarize(
  containers: Container[],
  required?: string[],
): { samples: Sample[]; check: CheckOutcome } {
  const counts = countContainers(containers);
  const samples: Sample[] = [
    { name: "docker.containers.running", value: counts.running },
    { name: "docker.containers.stopped", value: counts.stopped },
    { name: "docker.containers.paused", value: counts.paused },
    { name: "docker.containers.restarting", value: counts.restarting },
    { name: "docker.containers.unhealthy", value: counts.unhealthy },
    { name: "docker.containers.total", value: counts.total },
  ];

  let status: CheckStatus = "ok";
  const problems: string[] = [];
  const raise = (next: CheckStatus, message: string) => {
    status = worseStatus(status, next);
    problems.push(message);
  };
  if (required) {
    const byName = new Map(containers.map((container) => [container.name, container]));
    for (const name of required) {
      const container = byName.get(name);
      samples.push({
        name: "docker.container.running",
        value: container?.state === "running" ? 1 : 0,
        labels: { container: name },
      });
      if (!container) raise("down", `${name}: no such container`);
      else if (container.state !== "running")
        raise("down", `${name}: ${container.state} (${container.status})`);
      else if (container.health === "unhealthy") raise("degraded", `${name}: unhealthy`);
    }
  } else {
    const unhealthy = containers.filter((container) => container.health === "unhealthy").map((c) => c.name);
    const restarting = containers.filter((container) => container.state === "restarting").map((c) => c.name);
    if (unhealthy.length > 0) raise("degraded", `unhealthy: ${unhealthy.join(", ")}`);
    if (restarting.length > 0) raise("degraded", `restarting: ${restarting.join(", ")}`);
  }

  const parts = [`${counts.running} running`, `${counts.stopped} stopped`];
  if (counts.paused > 0) parts.push(`${counts.paused} paused`);
  if (counts.restarting > 0) parts.push(`${counts.restarting} restarting`);
  if (counts.unhealthy > 0) parts.push(`${counts.unhealthy} unhealthy`);
  const summary = `${counts.total} containers: ${parts.join(", ")}`;
  return {
    samples,
    check: { status, message: problems.length > 0 ? `${problems.join("; ")}; ${summary}` : summary },
  };
}
