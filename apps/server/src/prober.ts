import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { TLSSocket } from "node:tls";
import type { HttpProbeConfig, ProbeObservation, Prober, TcpProbeConfig } from "@custos/backend";

const MAX_BODY = 256 * 1024;
const DAY_MS = 86_400_000;

/**
 * The Node prober: what fetch cannot do — the TLS certificate's days left on HTTPS, and raw TCP
 * connects. Certificate problems are still reported (reachable, with days left) rather than
 * hidden, so an expiring certificate degrades before it breaks.
 */
export const nodeProber: Required<Prober> = {
  http: (config) => httpProbe(config),
  tcp: (config) => tcpProbe(config),
};

function httpProbe(config: HttpProbeConfig): Promise<ProbeObservation> {
  const started = performance.now();
  const url = new URL(config.url);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: ProbeObservation) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    // verification is judged below, not by the TLS layer, so an untrusted or expiring
    // certificate is reported with its days left instead of as a bare connection error
    const options = {
      method: config.method,
      headers: { "user-agent": "custos-probe/1" },
      timeout: config.timeout_ms,
      rejectUnauthorized: false,
    };
    const req = request(url, options, (res) => {
      let tlsDays: number | undefined;
      let tlsError: string | undefined;
      const socket = res.socket as TLSSocket;
      if (typeof socket.getPeerCertificate === "function") {
        const cert = socket.getPeerCertificate();
        if (cert?.valid_to) tlsDays = Math.floor((Date.parse(cert.valid_to) - Date.now()) / DAY_MS);
        if (!socket.authorized) tlsError = String(socket.authorizationError ?? "certificate not trusted");
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c);
        size += c.length;
      });
      res.on("end", () =>
        finish({
          reachable: true,
          latency_ms: performance.now() - started,
          status_code: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString("utf8"),
          ...(tlsDays !== undefined ? { tls_days_left: tlsDays } : {}),
          ...(tlsError !== undefined ? { tls_error: tlsError } : {}),
        }),
      );
      res.on("error", (e) =>
        finish({ reachable: false, latency_ms: performance.now() - started, error: e.message }),
      );
    });
    req.on("timeout", () => {
      req.destroy();
      finish({
        reachable: false,
        latency_ms: performance.now() - started,
        error: `no answer within ${config.timeout_ms} ms`,
      });
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      finish({ reachable: false, latency_ms: performance.now() - started, error: e.code ?? e.message }),
    );
    req.end();
  });
}

function tcpProbe(config: Pick<TcpProbeConfig, "host" | "port" | "timeout_ms">): Promise<ProbeObservation> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: config.host, port: config.port });
    const done = (o: ProbeObservation) => {
      socket.destroy();
      resolve(o);
    };
    socket.setTimeout(config.timeout_ms, () =>
      done({
        reachable: false,
        latency_ms: performance.now() - started,
        error: `no answer within ${config.timeout_ms} ms`,
      }),
    );
    socket.once("connect", () => done({ reachable: true, latency_ms: performance.now() - started }));
    socket.once("error", (e: NodeJS.ErrnoException) =>
      done({ reachable: false, latency_ms: performance.now() - started, error: e.code ?? e.message }),
    );
  });
}

/**
 * Does a silent server still answer at its public endpoint? "host:port" is a TCP connect; a URL
 * is an HTTP request where any HTTP answer (even 500) means the host is up.
 */
export async function probeEndpoint(endpoint: string, timeoutMs: number): Promise<boolean> {
  if (/^https?:\/\//i.test(endpoint)) {
    const o = await httpProbe({
      kind: "http",
      url: endpoint,
      method: "HEAD",
      tls_warn_days: 0,
      degraded_ms: timeoutMs,
      down_ms: timeoutMs,
      timeout_ms: timeoutMs,
    });
    return o.reachable;
  }
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(endpoint.trim());
  if (!match) return false;
  const o = await tcpProbe({ host: match[1] as string, port: Number(match[2]), timeout_ms: timeoutMs });
  return o.reachable;
}
