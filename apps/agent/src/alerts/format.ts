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

/** What every alert names: the server it is about and the incident it belongs to. */
interface AlertSubject {
  server: string;
  incidentKey: string;
}

/** A monitor's alert, with the check's own message when it gave one. */
interface MonitorAlert extends AlertSubject {
  monitor: string;
  message?: string | null;
}

/** An alert that something is back: when it started and how long it lasted. */
interface RecoveryAlert extends AlertSubject {
  startedAt: number;
  durationMs: number;
}

/** Every body ends with the incident's key, so replies and logs can be matched to it. */
function alertText(title: string, body: string, incidentKey: string): AlertText {
  return { title, body: `${body}\nIncident: ${incidentKey}` };
}

function reasonLine(message: string | null | undefined): string {
  return message ? `\n${message}` : "";
}

export function downText(input: MonitorAlert & { startedAt: number; failures: number }): AlertText {
  return alertText(
    `DOWN: ${input.monitor} on ${input.server}`,
    `${input.monitor} on ${input.server} is down since ${iso(input.startedAt)} ` +
      `(${input.failures} failed checks in a row).${reasonLine(input.message)}`,
    input.incidentKey,
  );
}

export function flappingText(input: MonitorAlert & { changes: number; windowMs: number }): AlertText {
  return alertText(
    `FLAPPING: ${input.monitor} on ${input.server}`,
    `${input.monitor} on ${input.server} changed state ${input.changes} times in ` +
      `${formatDuration(input.windowMs)} and is down now. Further DOWN alerts are held until it settles; ` +
      `you will get a RESTORED for this one.${reasonLine(input.message)}`,
    input.incidentKey,
  );
}

export function restoredText(input: RecoveryAlert & { monitor: string }): AlertText {
  return alertText(
    `RESTORED: ${input.monitor} on ${input.server}`,
    `${input.monitor} on ${input.server} restored after ${formatDuration(input.durationMs)} ` +
      `(down since ${iso(input.startedAt)}).`,
    input.incidentKey,
  );
}

export function backendUnreachableText(
  input: AlertSubject & { startedAt: number; now: number; lastError?: string | null },
): AlertText {
  const error = input.lastError ? ` Last error: ${input.lastError}.` : "";
  return alertText(
    `Custos backend unreachable from ${input.server}`,
    `${input.server} has not reached the Custos backend for ${formatDuration(input.now - input.startedAt)} ` +
      `(since ${iso(input.startedAt)}).${error} Metrics are kept in the local buffer and sent when it returns.`,
    input.incidentKey,
  );
}

export function backendRestoredText(input: RecoveryAlert): AlertText {
  return alertText(
    `Custos backend reachable again from ${input.server}`,
    `${input.server} reaches the Custos backend again: restored after ${formatDuration(input.durationMs)} ` +
      `(unreachable since ${iso(input.startedAt)}).`,
    input.incidentKey,
  );
}

export function backendNotPagingText(input: AlertSubject & { startedAt: number; detail: string }): AlertText {
  return alertText(
    `Custos backend is not paging (seen from ${input.server})`,
    `The Custos backend answers ${input.server}, but has reported since ${iso(input.startedAt)} that ${input.detail}. ` +
      "Until its schedule runs again it notices no silent server and sends none of its own notifications; " +
      "this server's own alerts still go out from here. Check the backend's /api/health and its schedule " +
      "(pg_cron in the cloud).",
    input.incidentKey,
  );
}

export function backendPagingAgainText(input: RecoveryAlert): AlertText {
  return alertText(
    `Custos backend is paging again (seen from ${input.server})`,
    `The Custos backend's schedule runs again after ${formatDuration(input.durationMs)} ` +
      `(not paging since ${iso(input.startedAt)}).`,
    input.incidentKey,
  );
}
