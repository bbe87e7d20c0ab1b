/**
 * The StatsD socket (UDP, node:dgram): each datagram is parsed and folded into the aggregator at
 * once; nothing is written until the next flush. Garbage lines are counted, never answered (UDP
 * has no answer), and never stop the listener.
 */
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { parseStatsdDatagram } from "./parse.ts";
import type { StatsdAggregator } from "./statsd-aggregate.ts";

export interface StatsdCounters {
  lines: number;
  invalidLines: number;
}

/** Bigger than the usual 208 KiB default so a burst between two event-loop turns is not lost. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export async function startStatsdListener(options: {
  bind: string;
  port: number;
  aggregator: StatsdAggregator;
  counters: StatsdCounters;
  onError(message: string): void;
}): Promise<{ port: number; close(): Promise<void> }> {
  const { aggregator, counters } = options;
  const host = options.bind === "localhost" ? "127.0.0.1" : options.bind;
  const socket: Socket = createSocket({ type: isIPv6(host) ? "udp6" : "udp4" });
  socket.on("message", (message) => {
    const now = Date.now();
    for (const line of parseStatsdDatagram(message.toString("utf8"))) {
      counters.lines++;
      if (!line.ok) {
        counters.invalidLines++;
        continue;
      }
      for (const metric of line.metrics) aggregator.add(metric, now);
    }
  });
  socket.on("error", (error) => options.onError(error.message));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  try {
    socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
  } catch {
    // the kernel caps it at net.core.rmem_max; the default still works at lower rates
  }
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
