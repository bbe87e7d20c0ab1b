/**
 * Pure parser of `ping -n -c N` output: iputils (Debian, Ubuntu, Fedora, Arch) and BusyBox
 * (Alpine, OpenWrt). Pass stdout and stderr together; error lines ("ping: ...") go to stderr.
 */

export interface PingResult {
  transmitted: number;
  received: number;
  lossPercent: number;
  minMs?: number;
  avgMs?: number;
  maxMs?: number;
  /** iputils' mdev: how much the round trips vary (jitter). */
  mdevMs?: number;
  /** Why no reply came, when ping said so ("Name or service not known", "Network is unreachable"). */
  error?: string;
  /** ping could not open its socket: missing capability or ping_group_range. */
  permissionDenied?: boolean;
}

const SUMMARY =
  /(\d+) packets transmitted, (\d+) (?:packets )?received,(?: \+\d+ \w+,)* ([\d.]+)% packet loss/;
const RTT =
  /(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/;
const ERROR_LINES = /^ping: (.+)$/gm;
/** iputils' "From 192.0.2.1 icmp_seq=1 Destination Host Unreachable" (a router or ARP answered instead). */
const ICMP_ERROR = /^From \S+ icmp_seq=\d+ (.+)$/m;
const NO_PERMISSION = /Operation not permitted|Permission denied|cap_net_raw/;

export function parsePingOutput(output: string): PingResult {
  const errorLines = [...output.matchAll(ERROR_LINES)].map((match) => (match[1] ?? "").trim());
  const permissionDenied = errorLines.some((line) => NO_PERMISSION.test(line));
  // "nonexistent.invalid: Name or service not known", "connect: Network is unreachable": the last
  // part says why. Without permission iputils first prints "socktype: SOCK_RAW"; skip that line.
  const reason = permissionDenied ? errorLines.find((line) => NO_PERMISSION.test(line)) : errorLines[0];
  const error = reason?.split(": ").at(-1) ?? ICMP_ERROR.exec(output)?.[1]?.trim();

  const summary = SUMMARY.exec(output);
  if (!summary) {
    return {
      transmitted: 0,
      received: 0,
      lossPercent: 100,
      error: error ?? `unreadable ping output: ${JSON.stringify(output.trim().slice(0, 120))}`,
      ...(permissionDenied ? { permissionDenied } : {}),
    };
  }
  const result: PingResult = {
    transmitted: Number(summary[1]),
    received: Number(summary[2]),
    lossPercent: Number(summary[3]),
  };
  const rtt = RTT.exec(output);
  if (rtt) {
    result.minMs = Number(rtt[1]);
    result.avgMs = Number(rtt[2]);
    result.maxMs = Number(rtt[3]);
    if (rtt[4] !== undefined) result.mdevMs = Number(rtt[4]);
  }
  if (error) result.error = error;
  return result;
}
