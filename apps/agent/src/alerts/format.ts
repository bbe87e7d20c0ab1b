/** The words of local alerts: one title and body per alert, shared by every channel. */
import { formatDuration } from "@custos/protocol/duration-text";

export const BACKEND_MONITOR = "custos-backend";
/** The backend's own schedule (its sweep and dispatcher), as its heartbeat answers report it. */
export const BACKEND_SCHEDULE_MONITOR = "custos-backend-schedule";

export interface AlertText {
  title: string;
  body: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function downText(input: {
  monitor: string;
  server: string;
  startedAt: number;
  failures: number;
  message?: string | null;
  incidentKey: string;
}): AlertText {
  const reason = input.message ? `\n${input.message}` : "";
  return {
    title: `DOWN: ${input.monitor} on ${input.server}`,
    body:
      `${input.monitor} on ${input.server} is down since ${iso(input.startedAt)} ` +
      `(${input.failures} failed checks in a row).${reason}\nIncident: ${input.incidentKey}`,
  };
}

export function flappingText(input: {
  monitor: string;
  server: string;
  changes: number;
  windowMs: number;
  message?: string | null;
  incidentKey: string;
}): AlertText {
  const reason = input.message ? `\n${input.message}` : "";
  return {
    title: `FLAPPING: ${input.monitor} on ${input.server}`,
    body:
      `${input.monitor} on ${input.server} changed state ${input.changes} times in ` +
      `${formatDuration(input.windowMs)} and is down now. Further DOWN alerts are held until it settles; ` +
      `you will get a RESTORED for this one.${reason}\nIncident: ${input.incidentKey}`,
  };
}

export function restoredText(input: {
  monitor: string;
  server: string;
  startedAt: number;
  durationMs: number;
  incidentKey: string;
}): AlertText {
  return {
    title: `RESTORED: ${input.monitor} on ${input.server}`,
    body:
      `${input.monitor} on ${input.server} restored after ${formatDuration(input.durationMs)} ` +
      `(down since ${iso(input.startedAt)}).\nIncident: ${input.incidentKey}`,
  };
}

export function backendUnreachableText(input: {
  server: string;
  startedAt: number;
  now: number;
  lastError?: string | null;
  incidentKey: string;
}): AlertText {
  const error = input.lastError ? ` Last error: ${input.lastError}.` : "";
  return {
    title: `Custos backend unreachable from ${input.server}`,
    body:
      `${input.server} has not reached the Custos backend for ${formatDuration(input.now - input.startedAt)} ` +
      `(since ${iso(input.startedAt)}).${error} Metrics are kept in the local buffer and sent when it returns.` +
      `\nIncident: ${input.incidentKey}`,
  };
}

export function backendRestoredText(input: {
  server: string;
  startedAt: number;
  durationMs: number;
  incidentKey: string;
}): AlertText {
  return {
    title: `Custos backend reachable again from ${input.server}`,
    body:
      `${input.server} reaches the Custos backend again: restored after ${formatDuration(input.durationMs)} ` +
      `(unreachable since ${iso(input.startedAt)}).\nIncident: ${input.incidentKey}`,
  };
}

export function backendNotPagingText(input: {
  server: string;
  startedAt: number;
  detail: string;
  incidentKey: string;
}): AlertText {
  return {
    title: `Custos backend is not paging (seen from ${input.server})`,
    body:
      `The Custos backend answers ${input.server}, but has reported since ${iso(input.startedAt)} that ${input.detail}. ` +
      "Until its schedule runs again it notices no silent server and sends none of its own notifications; " +
      "this server's own alerts still go out from here. Check the backend's /api/health and its schedule " +
      `(pg_cron in the cloud).\nIncident: ${input.incidentKey}`,
  };
}

export function backendPagingAgainText(input: {
  server: string;
  startedAt: number;
  durationMs: number;
  incidentKey: string;
}): AlertText {
  return {
    title: `Custos backend is paging again (seen from ${input.server})`,
    body:
      `The Custos backend's schedule runs again after ${formatDuration(input.durationMs)} ` +
      `(not paging since ${iso(input.startedAt)}).\nIncident: ${input.incidentKey}`,
  };
}
