import type { HttpProbeConfig, ProbeObservation, Prober } from "./schemas.ts";

const MAX_BODY = 256 * 1024;

/**
 * Runtime-neutral prober (fetch): status, latency, keyword. It cannot read TLS certificates or
 * open raw TCP connections, so it has no `tcp` (those probes are recorded `unsupported`, not
 * `down`); custos-server supplies a Node prober that can.
 */
export const fetchProber: Prober = {
  async http(config: HttpProbeConfig): Promise<ProbeObservation> {
    const started = performance.now();
    try {
      const res = await fetch(config.url, {
        method: config.method,
        redirect: "follow",
        signal: AbortSignal.timeout(config.timeout_ms),
        headers: { "user-agent": "custos-probe/1" },
      });
      const wantsBody = Boolean(config.keyword || config.keyword_absent);
      // an unread body would hold the connection open
      if (!wantsBody) await res.body?.cancel();
      const body = wantsBody ? await readCapped(res) : "";
      return { reachable: true, latency_ms: performance.now() - started, status_code: res.status, body };
    } catch (error) {
      return {
        reachable: false,
        latency_ms: performance.now() - started,
        error: describe(error, config.timeout_ms),
      };
    }
  },
};

async function readCapped(res: Response): Promise<string> {
  const text = await res.text();
  return text.length > MAX_BODY ? text.slice(0, MAX_BODY) : text;
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? "request failed";
}
