/**
 * One incident identity for both alert paths: `${server_id}:${monitor}:${started_at ISO}`. The
 * agent puts it in every local page; the backend puts the same key in every notification of an
 * agent-check incident (both date the incident from the agent's own check timestamps), so a
 * receiver can join the two. Backend-only incidents use the same shape with their own subject:
 * the server id and "heartbeat" for a silent agent, "probe:<monitor id>" and the probe's name.
 */
export function incidentKey(subject: string, monitor: string, startedAt: number | Date): string {
  return `${subject}:${monitor}:${new Date(startedAt).toISOString()}`;
}

/** The monitor name a heartbeat incident carries in its key. */
export const HEARTBEAT_MONITOR = "heartbeat";
