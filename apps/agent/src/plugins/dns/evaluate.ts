/**
 * Pure verdicts of the dns plugin (data -> verdict): a query's answers against the expected ones
 * and the resolver's error, and a DDNS name against this host's public address. parse.ts turns
 * the resolver's answers and the lookup reply into the text compared here.
 */
import type { CheckStatus, DnsRecordType } from "@custos/protocol";
import { normalize } from "./parse.ts";

interface Comparison {
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

function describeDnsError(code: string | undefined): string {
  if (!code) return "no answer";
  const text = DNS_ERRORS[code];
  return text ? `${text} (${code})` : code;
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
