/** Options of the `docker` monitor (the agent plugin apps/agent/src/plugins/docker/; its README has a sample). */
import { z } from "zod";

export const DockerMonitorOptions = z.strictObject({
  /** The Docker Engine API socket (rootless Docker: /run/user/<uid>/docker.sock). */
  socket: z.string().min(1).default("/var/run/docker.sock"),
  /** Containers that must be running: down when one is not, degraded when one is unhealthy. */
  containers: z.array(z.string().min(1).max(200)).optional(),
});
export type DockerMonitorOptions = z.output<typeof DockerMonitorOptions>;
