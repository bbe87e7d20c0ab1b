/**
 * hikvision: polls an NVR, DVR or camera over ISAPI with digest authentication. The runner does
 * the GETs (client.ts); parse.ts reads the XML and evaluate.ts judges the snapshot.
 */

import { HikvisionMonitorOptions } from "@custos/protocol";
import type { Collected, PluginContext, PluginInstance } from "../types.ts";
import { definePlugin } from "../types.ts";
import { AuthError, IsapiClient } from "./client.ts";
import { evaluateSnapshot, type Snapshot } from "./evaluate.ts";
import {
  parseChannelStatus,
  parseDeviceInfo,
  parseRecordTracks,
  parseStorage,
  parseSystemStatus,
} from "./parse.ts";

export const plugin = definePlugin({
  type: "hikvision",
  configSchema: HikvisionMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: (config) => `hikvision:${new URL(config.url).host.replace(/[^A-Za-z0-9_.:-]/g, "_")}`,
  create: (config, ctx) => createHikvision(config, ctx),
});

/** Status codes meaning "this device does not offer that endpoint" rather than a fault. */
const NOT_OFFERED = new Set([403, 404, 405, 501]);

function createHikvision(config: HikvisionMonitorOptions, ctx: PluginContext): PluginInstance {
  const client = new IsapiClient({
    baseUrl: config.url,
    username: config.username,
    password: config.password,
    tlsSkipVerify: config.tls_skip_verify,
  });
  let authBlocked: { until: number; message: string } | undefined;

  const down = (message: string, latency_ms?: number): Collected => ({
    samples: [{ name: "hikvision.up", value: 0 }],
    checks: [{ status: "down", message, ...(latency_ms !== undefined ? { latency_ms } : {}) }],
  });

  return {
    async collect(signal) {
      if (authBlocked && Date.now() < authBlocked.until) {
        const minutes = Math.ceil((authBlocked.until - Date.now()) / 60_000);
        return down(
          `${authBlocked.message}; next login attempt in ${minutes} min (avoids locking the account)`,
        );
      }
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(ctx.timeoutMs)]);
      const started = performance.now();

      let body: string;
      try {
        const reply = await client.get("/ISAPI/System/deviceInfo", deadline);
        if (reply.status !== 200) return down(`deviceInfo answered HTTP ${reply.status}`, elapsed(started));
        body = reply.body;
        authBlocked = undefined;
      } catch (error) {
        if (error instanceof AuthError) {
          authBlocked = { until: Date.now() + config.auth_retry_minutes * 60_000, message: error.message };
          return down(`authentication failed: ${error.message}`, elapsed(started));
        }
        return down(`not reachable: ${reason(error, deadline)}`, elapsed(started));
      }
      const latency_ms = elapsed(started);
      let device: Snapshot["device"];
      try {
        device = parseDeviceInfo(body);
      } catch (error) {
        return down(`deviceInfo unreadable: ${(error as Error).message}`, latency_ms);
      }

      const snapshot: Snapshot = { device, partialErrors: [] };
      const optional = async <T>(path: string, parse: (xml: string) => T): Promise<T | undefined> => {
        if (deadline.aborted) {
          snapshot.partialErrors.push(`${path}: timed out`);
          return undefined;
        }
        try {
          const reply = await client.get(path, deadline);
          if (NOT_OFFERED.has(reply.status)) return undefined;
          if (reply.status !== 200) {
            snapshot.partialErrors.push(`${path}: HTTP ${reply.status}`);
            return undefined;
          }
          return parse(reply.body);
        } catch (error) {
          snapshot.partialErrors.push(
            `${path}: ${error instanceof AuthError ? error.message : reason(error, deadline)}`,
          );
          return undefined;
        }
      };
      snapshot.status = await optional("/ISAPI/System/status", parseSystemStatus);
      snapshot.channels = await optional("/ISAPI/ContentMgmt/InputProxy/channels/status", parseChannelStatus);
      snapshot.disks = await optional("/ISAPI/ContentMgmt/Storage", parseStorage);
      snapshot.recording = await optional("/ISAPI/ContentMgmt/record/tracks", parseRecordTracks);

      const verdict = evaluateSnapshot(snapshot, {
        okDiskStates: config.ok_disk_states,
        requireRecording: config.require_recording,
      });
      return {
        samples: verdict.samples,
        checks: [{ status: verdict.status, message: verdict.message, latency_ms }],
      };
    },
  };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/** A short reason for a failed request; never the URL (it may hold credentials) or headers. */
function reason(error: unknown, deadline: AbortSignal): string {
  if (deadline.aborted) return "timed out";
  const code = (error as { code?: string }).code;
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return `${code} (the device's certificate is not trusted; tls_skip_verify: true accepts it)`;
  }
  if (code && code !== "ABORT_ERR") return code;
  return error instanceof Error ? error.message : String(error);
}
