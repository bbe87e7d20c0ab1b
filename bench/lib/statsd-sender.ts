/**
 * A StatsD load generator run as its own process (so it does not share the bench's event loop):
 * sends `rate` lines/s for `seconds`, `perDatagram` lines per datagram, paced every 10 ms. Lines
 * are 70 % counters `<prefix>.c<k>:1|c` and 30 % timers `<prefix>.t<k>:<ms>|ms`, so the lines the
 * agent accepted can be counted back exactly from what it stored (counter sums + timer counts).
 * Prints one JSON line: { sent, datagrams, sendErrors, seconds }.
 *
 *   node bench/lib/statsd-sender.ts <port> <rate> <seconds> <perDatagram> <prefix>
 */
import { createSocket } from "node:dgram";

const [port, rate, seconds, perDatagram] = process.argv.slice(2, 6).map(Number);
const prefix = process.argv[6] ?? "bench";
if (!port || !rate || !seconds || !perDatagram) {
  console.error("usage: statsd-sender.ts <port> <rate> <seconds> <perDatagram> <prefix>");
  process.exit(2);
}

const socket = createSocket("udp4");
const TICK_MS = 10;
let sent = 0;
let datagrams = 0;
let sendErrors = 0;
let inFlight = 0;

function line(i: number): string {
  return i % 10 < 7 ? `${prefix}.c${i % 20}:1|c` : `${prefix}.t${i % 10}:${(i * 7) % 500}.5|ms`;
}

const started = performance.now();
const end = started + seconds * 1000;
let tick = 0;
while (performance.now() < end) {
  const due = Math.floor(((performance.now() - started) / 1000) * rate);
  while (sent < due) {
    const n = Math.min(perDatagram, due - sent);
    let payload = line(sent);
    for (let k = 1; k < n; k++) payload += `\n${line(sent + k)}`;
    sent += n;
    datagrams++;
    inFlight++;
    socket.send(payload, port, "127.0.0.1", (error) => {
      inFlight--;
      if (error) sendErrors++;
    });
  }
  tick++;
  const next = started + tick * TICK_MS;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
}
while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
socket.close();
console.log(JSON.stringify({ sent, datagrams, sendErrors, seconds: (performance.now() - started) / 1000 }));
