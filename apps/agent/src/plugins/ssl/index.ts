/**
 * ssl: one TLS handshake per target (in parallel), reading the peer certificate without trusting
 * it blindly: chain validity, host name and days left are judged by evaluate.ts.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { checkServerIdentity, connect, type PeerCertificate } from "node:tls";
import { SslMonitorOptions } from "@custos/protocol";
import type { CheckOutcome, Collected, PluginContext, PluginInstance, Sample } from "../types.ts";
import { definePlugin } from "../types.ts";
import { chainTrusted, evaluateCertificate, type Observation } from "./evaluate.ts";

export const plugin = definePlugin({
  type: "ssl",
  configSchema: SslMonitorOptions,
  defaultIntervalMs: 6 * 3_600_000,
  defaultName: (config) => {
    const [first] = config.targets;
    return config.targets.length === 1 && first ? `ssl:${first.host}` : "ssl";
  },
  create: (config, ctx) => createSsl(config, ctx),
});

function createSsl(config: SslMonitorOptions, ctx: PluginContext): PluginInstance {
  let ca: string | undefined;
  let caError: string | undefined;
  if (config.ca_file) {
    try {
      ca = readFileSync(config.ca_file, "utf8");
    } catch (error) {
      caError = `cannot read ca_file ${config.ca_file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
  }
  return {
    async collect(signal): Promise<Collected> {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(ctx.timeoutMs)]);
      const results = await Promise.all(
        config.targets.map(async ({ host, port }) => {
          const target = `${host.includes(":") ? `[${host}]` : host}:${port}`;
          const monitor = `${ctx.monitorName}:${target}`.replace(/[^A-Za-z0-9_.:\-/]/g, "_");
          const labels = { target };
          if (caError)
            return { samples: [], check: { monitor, status: "down", message: caError } as CheckOutcome };
          const name = config.servername ?? host;
          const started = performance.now();
          try {
            const observation = await observe({ host, port, name, ca, signal: deadline });
            const latency_ms = Math.round(performance.now() - started);
            const verdict = evaluateCertificate(observation, {
              warnDays: config.warn_days,
              critDays: config.crit_days,
              now: Date.now(),
            });
            const samples: Sample[] = [
              { name: "ssl.days_left", value: verdict.daysLeft, labels },
              { name: "ssl.chain_valid", value: chainTrusted(observation) ? 1 : 0, labels },
              { name: "ssl.hostname_match", value: observation.identityError ? 0 : 1, labels },
            ];
            return {
              samples,
              check: { monitor, status: verdict.status, message: verdict.message, latency_ms },
            };
          } catch (error) {
            const message = deadline.aborted ? "no TLS handshake within the check timeout" : describe(error);
            return {
              samples: [],
              check: {
                monitor,
                status: "down",
                message: `cannot connect: ${message}`,
                latency_ms: Math.round(performance.now() - started),
              } as CheckOutcome,
            };
          }
        }),
      );
      return { samples: results.flatMap((r) => r.samples), checks: results.map((r) => r.check) };
    },
  };
}

/** One handshake that accepts any certificate, so the certificate itself can be judged. */
export function observe(options: {
  host: string;
  port: number;
  name: string;
  ca?: string;
  signal: AbortSignal;
}): Promise<Observation> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(new Error("aborted"));
    const socket = connect({
      host: options.host,
      port: options.port,
      // SNI must be a host name; an IP address is verified without it.
      ...(isIP(options.name) ? {} : { servername: options.name }),
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      rejectUnauthorized: false,
    });
    const onAbort = () => socket.destroy(new Error("aborted"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      options.signal.removeEventListener("abort", onAbort);
      socket.destroy();
    };
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      if (!cert?.valid_to) {
        finish();
        return reject(new Error("the server sent no certificate"));
      }
      const identity = checkServerIdentity(options.name, cert as PeerCertificate);
      const authError = socket.authorizationError as unknown;
      resolve({
        validFrom: cert.valid_from,
        validTo: cert.valid_to,
        ...(cert.subject?.CN ? { subject: String(cert.subject.CN) } : {}),
        ...(cert.issuer?.CN ? { issuer: String(cert.issuer.CN) } : {}),
        authorized: socket.authorized,
        ...(authError ? { authorizationError: errorCode(authError) } : {}),
        ...(identity ? { identityError: identity.message } : {}),
      });
      finish();
    });
    socket.once("error", (error) => {
      finish();
      reject(error);
    });
  });
}

function errorCode(error: unknown): string {
  if (typeof error === "string") return error;
  const code = (error as { code?: string }).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code) return code;
  return error instanceof Error ? error.message : String(error);
}
