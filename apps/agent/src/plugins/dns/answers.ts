/**
 * Pure parts of the dns plugin: formatting and comparing answers, reading the public-address
 * lookup reply, judging a DDNS name and keeping the history of public address changes.
 */
import { isIP } from "node:net";
import type { CheckStatus, DnsRecordType } from "@custos/protocol";

/** node:dns answers as the Resolver returns them per type. */
export type RawAnswers = string[] | { priority: number; exchange: string }[] | string[][];

/** Answers as comparable text: addresses, names, `10 mail.example.com` for MX, joined TXT chunks. */
export function formatAnswers(type: DnsRecordType, raw: RawAnswers): string[] {
  return raw.map((entry) => {
    if (type === "MX") {
      const mx = entry as { priority: number; exchange: string };
      return `${mx.priority} ${mx.exchange}`;
    }
    if (type === "TXT") return (entry as string[]).join("");
    return entry as string;
  });
}

export function normalize(type: DnsRecordType, value: string): string {
  const trimmed = value.trim();
  switch (type) {
    case "A":
      return trimmed;
    case "AAAA":
      return canonicalIpv6(trimmed);
    case "CNAME":
      return trimmed.toLowerCase().replace(/\.$/, "");
    case "MX": {
      const [priority, ...rest] = trimmed.split(/\s+/);
      return `${Number(priority)} ${rest.join(" ").toLowerCase().replace(/\.$/, "")}`;
    }
    case "TXT":
      return value;
  }
}

function canonicalIpv6(value: string): string {
  if (isIP(value) !== 6) return value.toLowerCase();
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}

export interface Comparison {
  missing: string[];
  unexpected: string[];
}

export function compareAnswers(
  type: DnsRecordType,
  answers: readonly string[],
  expected: readonly string[],
  match: "contains" | "exact",
): Comparison {
  const got = new Set(answers.map((a) => normalize(type, a)));
  const want = new Set(expected.map((e) => normalize(type, e)));
  return {
    missing: [...want].filter((w) => !got.has(w)),
    unexpected: match === "exact" ? [...got].filter((g) => !want.has(g)) : [],
  };
}

export function evaluateQuery(input: {
  name: string;
  type: DnsRecordType;
  answers?: readonly string[];
  /** The resolver's error code (ENOTFOUND, ENODATA, ETIMEOUT, ESERVFAIL, ...). */
  error?: string;
  elapsedMs: number;
  expect?: readonly string[];
  match: "contains" | "exact";
  slowMs?: number;
}): { status: CheckStatus; message: string } {
  const label = `${input.name} ${input.type}`;
  if (input.error !== undefined || input.answers === undefined) {
    return { status: "down", message: `${label}: ${describeDnsError(input.error)}` };
  }
  const shown = input.answers.length ? input.answers.join(", ") : "no records";
  if (input.expect) {
    const { missing, unexpected } = compareAnswers(input.type, input.answers, input.expect, input.match);
    if (missing.length || unexpected.length) {
      const parts = [
        missing.length ? `missing ${missing.join(", ")}` : "",
        unexpected.length ? `unexpected ${unexpected.join(", ")}` : "",
      ].filter(Boolean);
      return { status: "down", message: `${label}: ${parts.join("; ")} (got ${shown})` };
    }
  }
  const ms = Math.round(input.elapsedMs);
  if (input.slowMs !== undefined && input.elapsedMs > input.slowMs) {
    return { status: "degraded", message: `${label}: slow, ${ms} ms (limit ${input.slowMs} ms): ${shown}` };
  }
  return { status: "ok", message: `${label}: ${shown} in ${ms} ms` };
}

const DNS_ERRORS: Record<string, string> = {
  ENOTFOUND: "name does not exist (NXDOMAIN)",
  ENODATA: "no record of this type",
  ETIMEOUT: "resolver timed out",
  ESERVFAIL: "resolver failed (SERVFAIL)",
  EREFUSED: "resolver refused the query",
  ECONNREFUSED: "resolver not reachable",
};

export function describeDnsError(code: string | undefined): string {
  if (!code) return "no answer";
  const text = DNS_ERRORS[code];
  return text ? `${text} (${code})` : code;
}

/** The address in a lookup reply: plain text (api.ipify.org) or JSON with an `ip` field. */
export function parsePublicAddress(body: string): string | { error: string } {
  const text = body.trim();
  let candidate = text;
  if (text.startsWith("{")) {
    try {
      const json = JSON.parse(text) as { ip?: unknown };
      candidate = typeof json.ip === "string" ? json.ip.trim() : "";
    } catch {
      return { error: "the lookup reply is not valid JSON" };
    }
  }
  if (isIP(candidate) === 0) {
    return { error: `the lookup reply is not an IP address: '${text.slice(0, 60)}'` };
  }
  return isIP(candidate) === 6 ? canonicalIpv6(candidate) : candidate;
}

export interface AddressChange {
  address: string;
  /** ISO time this host was first seen with the address. */
  since: string;
}

export const HISTORY_LIMIT = 50;

/**
 * Appends the address when it differs from the last one seen, keeping the newest `limit`
 * entries. Returns the previous address when it changed (not on the very first observation).
 */
export function recordAddress(
  history: readonly AddressChange[],
  address: string,
  now: Date,
  limit = HISTORY_LIMIT,
): { history: AddressChange[]; changedFrom?: string } {
  const last = history.at(-1);
  if (last?.address === address) return { history: [...history] };
  const next = [...history, { address, since: now.toISOString() }].slice(-limit);
  return last ? { history: next, changedFrom: last.address } : { history: next };
}

/** Reads the stored history defensively: state written by another version may not match. */
export function readHistory(value: unknown): AddressChange[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is AddressChange =>
      typeof e === "object" && e !== null && typeof e.address === "string" && typeof e.since === "string",
  );
}

export function evaluateDdns(input: {
  name: string;
  record: "A" | "AAAA";
  publicAddress: string;
  published?: readonly string[];
  error?: string;
  /** When the public address last changed, if it did while we watched. */
  changedAt?: string;
  now: Date;
}): { status: CheckStatus; message: string } {
  const label = `${input.name} ${input.record}`;
  if (input.error !== undefined || input.published === undefined) {
    return {
      status: "down",
      message: `${label}: ${describeDnsError(input.error)}; public address is ${input.publicAddress}`,
    };
  }
  const published = input.published.map((p) => normalize(input.record, p));
  if (published.includes(normalize(input.record, input.publicAddress))) {
    return { status: "ok", message: `${label} = ${input.publicAddress}, matches this host's public address` };
  }
  let since = "";
  if (input.changedAt) {
    const minutes = Math.max(0, Math.round((input.now.getTime() - Date.parse(input.changedAt)) / 60_000));
    since = `; the public address changed ${minutes} min ago`;
  }
  return {
    status: "down",
    message: `${label} = ${published.join(", ") || "nothing"}, but this host's public address is ${input.publicAddress}${since}`,
  };
}
