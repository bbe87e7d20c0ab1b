/** Options of the `hikvision` monitor (the agent plugin apps/agent/src/plugins/hikvision/; its README has a sample). */
import { z } from "zod";

/** Disk states that count as healthy unless `ok_disk_states` says otherwise. */
export const HIKVISION_OK_DISK_STATES = ["ok", "idle", "sleeping"] as const;

export const HikvisionMonitorOptions = z.strictObject({
  /** Base URL of the NVR, DVR or camera web interface, e.g. `http://192.168.1.64`. */
  url: z.url({ protocol: /^https?$/, error: "url must be an http:// or https:// URL" }),
  username: z.string().min(1),
  /** Usually `${HIKVISION_PASSWORD}`; sent only as a digest, never in clear. */
  password: z.string().min(1),
  /** Accept a self-signed certificate on https:// (most NVRs ship one). */
  tls_skip_verify: z.boolean().default(false),
  /** Degraded when an online camera's recording schedule is switched off. */
  require_recording: z.boolean().default(false),
  /** Disk states that count as healthy (Hikvision reports e.g. ok, idle, sleeping, error, unformatted). */
  ok_disk_states: z
    .array(z.string().min(1))
    .min(1)
    .default([...HIKVISION_OK_DISK_STATES]),
  /**
   * After the device rejects the password, wait this long before trying again: Hikvision locks
   * an account after a few failed logins, and a monitor retrying every minute would keep it locked.
   */
  auth_retry_minutes: z.number().min(0).default(15),
});
export type HikvisionMonitorOptions = z.output<typeof HikvisionMonitorOptions>;
