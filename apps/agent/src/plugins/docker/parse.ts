/**
 * Pure parser of the Docker Engine API's `GET /containers/json?all=true` (reply -> data):
 * container states and health. evaluate.ts counts them and judges.
 */
import { z } from "zod";

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
