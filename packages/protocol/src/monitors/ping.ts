/** Options of the `ping` monitor (the agent plugin apps/agent/src/plugins/ping/; its README has a sample). */

import { z } from "zod";
import { Duration } from "../duration.ts";

/**
 * A host name or IP address, optionally with a port for method: tcp ("1.1.1.1:53",
 * "[2606:4700::1111]:443"). Never starts with "-", so it cannot be read as a ping option.
 */
const Target = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9[_][A-Za-z0-9._:[\]%-]*$/,
    "use a host name or an IP address (host:port for method: tcp)",
  );

export const PingMonitorOptions = z.strictObject({
  targets: z.array(Target).min(1).max(20).default(["1.1.1.1", "8.8.8.8"]),
  /** icmp runs the system `ping`; tcp connects to host:port where ICMP is not allowed. */
  method: z.enum(["icmp", "tcp"]).default("icmp"),
  /** Echo requests (or TCP connects) per target and cycle. */
  count: z.number().int().min(1).max(20).default(3),
  /** How long to wait for each reply (ping -W, whole seconds). */
  reply_timeout: Duration.default(2_000),
  /** Port for tcp targets written without one. */
  port: z.number().int().min(1).max(65_535).default(443),
  /** Degraded when a target's average latency reaches this; none by default. */
  degraded_ms: z.number().positive().optional(),
  /** Degraded when a target loses at least this share of packets; none by default. */
  degraded_loss_percent: z.number().min(0).max(100).optional(),
});
export type PingMonitorOptions = z.output<typeof PingMonitorOptions>;
