/**
 * Pure parsers of the dns plugin (replies -> data): the resolver's answers as comparable text, in
 * the canonical form the comparison uses, and the address in a public-address lookup reply.
 */
import { isIP } from "node:net";
import type { DnsRecordType } from "@custos/protocol";

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
