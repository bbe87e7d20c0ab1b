import { z } from "zod";

export const DockerConfig = z.strictObject({
  /** The Docker Engine API socket (rootless Docker: /run/user/<uid>/docker.sock). */
  socket: z.string().min(1).default("/var/run/docker.sock"),
  /** Containers that must be running: down when one is not, degraded when one is unhealthy. */
  containers: z.array(z.string().min(1).max(200)).optional(),
});
export type DockerConfig = z.output<typeof DockerConfig>;
