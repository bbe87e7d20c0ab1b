import { isIP } from "node:net";
import { z } from "zod";

export const RecordType = z.enum(["A", "AAAA", "CNAME", "MX", "TXT"]);
export type RecordType = z.infer<typeof RecordType>;

const DnsName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/,
    "not a DNS name",
  );

/** A resolver address: `1.1.1.1`, `1.1.1.1:5353`, `2606:4700::1111` or `[::1]:5353`. */
export const DnsServer = z.string().refine((value) => {
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (v6?.[1]) return isIP(v6[1]) === 6 && (v6[2] === undefined || Number(v6[2]) <= 65535);
  if (isIP(value) === 6) return true;
  const v4 = /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  return Boolean(v4?.[1] && isIP(v4[1]) === 4 && (v4[2] === undefined || Number(v4[2]) <= 65535));
}, "server must be an IP address, optionally with :port ([v6]:port)");

export const Query = z.strictObject({
  name: DnsName,
  type: RecordType.default("A"),
  /** Answers that must be present (A/AAAA addresses, names, `10 mail.example.com` for MX, TXT text). */
  expect: z.array(z.string().min(1)).min(1).optional(),
  /** `contains` (default): every expected answer is present; `exact`: nothing else either. */
  match: z.enum(["contains", "exact"]).default("contains"),
  /** Ask this resolver instead of the monitor's `server` or the system's. */
  server: DnsServer.optional(),
});
export type Query = z.output<typeof Query>;

export const Ddns = z.strictObject({
  /** The dynamic DNS name, e.g. `myhome.duckdns.org`. */
  name: DnsName,
  record: z.enum(["A", "AAAA"]).default("A"),
  /** Answers with this host's public address, as plain text or JSON `{"ip": "..."}`. */
  ip_lookup_url: z.url({ protocol: /^https?$/ }).default("https://api.ipify.org"),
  /** Ask this resolver (ideally the provider's authoritative server, to skip caches); default: the monitor's `server`. */
  server: DnsServer.optional(),
});
export type Ddns = z.output<typeof Ddns>;

export const DnsConfig = z
  .strictObject({
    queries: z.array(Query).default([]),
    ddns: Ddns.optional(),
    /** Default resolver for every query without its own `server`. */
    server: DnsServer.optional(),
    /** Degraded when a resolution takes longer than this (milliseconds). */
    slow_ms: z.number().positive().optional(),
  })
  .refine((c) => c.queries.length > 0 || c.ddns !== undefined, {
    message: "give at least one entry in queries, or ddns",
    path: ["queries"],
  });
export type DnsConfig = z.output<typeof DnsConfig>;
