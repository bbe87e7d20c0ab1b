/** Options of the `tailscale` monitor (the agent plugin apps/agent/src/plugins/tailscale/; its README has a sample). */

import { z } from "zod";
import { Duration } from "../duration.ts";

export const TailscaleMonitorOptions = z.strictObject({
  /** Peers that must be reachable, by host name or MagicDNS name (`nas` or `nas.tail1234.ts.net`). */
  peers: z.array(z.string().min(1)).default([]),
  /** A listed peer whose last WireGuard handshake is older than this is `down`. Unset: not checked. */
  max_handshake_age: Duration.optional(),
  /** tailscaled's socket, when not the default (`tailscale --socket=...`). */
  socket: z.string().min(1).optional(),
  /** Path or name of the tailscale CLI. */
  command: z.string().min(1).default("tailscale"),
});
export type TailscaleMonitorOptions = z.output<typeof TailscaleMonitorOptions>;
