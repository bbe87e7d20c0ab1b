/** Options of the `dns` monitor (the agent plugin apps/agent/src/plugins/dns/; its README has a sample). */

import { z } from "zod";
import { ipVersion } from "./ip-address.ts";

export const DnsRecordType = z.enum(["A", "AAAA", "CNAME", "MX", "TXT"]);
export type DnsRecordType = z.infer<typeof DnsRecordType>;

const DnsName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/,
    "not a DNS name",
  );

/** A resolver address: `1.1.1.1`, `1.1.1.1:5353`, `2606:4700::1111` or `[::1]:5353`. */
export const DnsServerAddress = z.string().refine((value) => {
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (v6?.[1]) return ipVersion(v6[1]) === 6 && (v6[2] === undefined || Number(v6[2]) <= 65535);
  if (ipVersion(value) === 6) return true;
  const v4 = /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  return Boolean(v4?.[1] && ipVersion(v4[1]) === 4 && (v4[2] === undefined || Number(v4[2]) <= 65535));
}, "server must be an IP address, optionally with :port ([v6]:port)");

export const DnsQuery = z.strictObject({
  name: DnsName,
  type: DnsRecordType.default("A"),
  /** Answers that must be present (A/AAAA addresses, names, `10 mail.example.com` for MX, TXT text). */
  expect: z.array(z.string().min(1)).min(1).optional(),
  /** `contains` (default): every expected answer is present; `exact`: nothing else either. */
  match: z.enum(["contains", "exact"]).default("contains"),
  /** Ask this resolver instead of the monitor's `server` or the system's. */
  server: DnsServerAddress.optional(),
});
export type DnsQuery = z.output<typeof DnsQuery>;

export const DdnsCheck = z.strictObject({
  /** The dynamic DNS name, e.g. `myhome.duckdns.org`. */
  name: DnsName,
  record: z.enum(["A", "AAAA"]).default("A"),
  /** Answers with this host's public address, as plain text or JSON `{"ip": "..."}`. */
  ip_lookup_url: z.url({ protocol: /^https?$/ }).default("https://api.ipify.org"),
  /** Ask this resolver (ideally the provider's authoritative server, to skip caches); default: the monitor's `server`. */
  server: DnsServerAddress.optional(),
});
export type DdnsCheck = z.output<typeof DdnsCheck>;

export const DnsMonitorOptions = z
  .strictObject({
    queries: z.array(DnsQuery).default([]),
    ddns: DdnsCheck.optional(),
    /** Default resolver for every query without its own `server`. */
    server: DnsServerAddress.optional(),
    /** Degraded when a resolution takes longer than this (milliseconds). */
    slow_ms: z.number().positive().optional(),
  })
  .refine((c) => c.queries.length > 0 || c.ddns !== undefined, {
    message: "give at least one entry in queries, or ddns",
    path: ["queries"],
  });
export type DnsMonitorOptions = z.output<typeof DnsMonitorOptions>;
