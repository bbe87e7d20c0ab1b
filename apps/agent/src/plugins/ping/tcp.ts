/**
 * method: tcp — reachability by TCP connect where ICMP is filtered. Each connect is one "packet":
 * its time to SYN-ACK is the latency, a refused, unreachable or timed-out connect is a loss.
 */
import net from "node:net";
import type { PingResult } from "./parse.ts";

/** "1.1.1.1:53" -> host and port; "[::1]:443" for IPv6; no port -> the default. */
function splitHostPort(target: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(target);
  if (bracketed?.[1]) return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : defaultPort };
  const parts = target.split(":");
  // A bare IPv6 address has several colons and no port.
  if (parts.length === 2 && parts[0] && /^\d+$/.test(parts[1] ?? "")) {
    return { host: parts[0], port: Number(parts[1]) };
  }
  return { host: target, port: defaultPort };
}

function connectOnce(host: string, port: number, timeoutMs: number, signal: AbortSignal) {
  return new Promise<{ ms: number } | { error: string }>((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port, timeout: timeoutMs, signal });
    socket.once("connect", () => {
      resolve({ ms: performance.now() - started });
      socket.destroy();
    });
    socket.once("timeout", () => {
      resolve({ error: `no answer within ${timeoutMs} ms` });
      socket.destroy();
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      resolve({
        error: error.code === "ECONNREFUSED" ? "connection refused" : (error.code ?? error.message),
      });
    });
  });
}

export async function tcpPing(
  target: string,
  options: { count: number; timeoutMs: number; defaultPort: number; signal: AbortSignal },
): Promise<PingResult> {
  const { host, port } = splitHostPort(target, options.defaultPort);
  const times: number[] = [];
  let lastError: string | undefined;
  for (let i = 0; i < options.count && !options.signal.aborted; i += 1) {
    const outcome = await connectOnce(host, port, options.timeoutMs, options.signal);
    if ("ms" in outcome) times.push(outcome.ms);
    else lastError = outcome.error;
  }
  const transmitted = options.count;
  const result: PingResult = {
    transmitted,
    received: times.length,
    lossPercent: Math.round((100 * (transmitted - times.length)) / transmitted),
  };
  if (times.length > 0) {
    const avg = times.reduce((sum, ms) => sum + ms, 0) / times.length;
    const variance = times.reduce((sum, ms) => sum + (ms - avg) ** 2, 0) / times.length;
    const round3 = (value: number) => Math.round(value * 1000) / 1000;
    result.minMs = round3(Math.min(...times));
    result.avgMs = round3(avg);
    result.maxMs = round3(Math.max(...times));
    result.mdevMs = round3(Math.sqrt(variance));
  }
  if (lastError) result.error = lastError;
  return result;
}
