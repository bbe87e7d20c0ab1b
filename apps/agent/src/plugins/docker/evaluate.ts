/**
 * Pure verdict on the containers parse.ts read (data -> verdict): the counts, their samples and
 * the check result, with or without a list of containers that must be running.
 */
import { type CheckStatus, worseStatus } from "@custos/protocol";
import type { CheckOutcome, Sample } from "../types.ts";
import type { Container } from "./parse.ts";

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
