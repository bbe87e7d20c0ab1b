/** Options of the `ssl` monitor (the agent plugin apps/agent/src/plugins/ssl/; its README has a sample). */
import { z } from "zod";

/** `host`, `host:port`, `[v6]` or `[v6]:port`; the port defaults to 443. */
export const SslTarget = z
  .string()
  .min(1)
  .transform((value, ctx) => {
    const parsed = parseSslTarget(value);
    if (!parsed) {
      ctx.addIssue({ code: "custom", message: `'${value}' is not host, host:port or [ipv6]:port` });
      return z.NEVER;
    }
    return parsed;
  });

export function parseSslTarget(value: string): { host: string; port: number } | undefined {
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(value);
  const plain = /^([A-Za-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(value);
  const match = v6 ?? plain;
  if (!match?.[1]) return undefined;
  const port = match[2] === undefined ? 443 : Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1], port };
}

export const SslMonitorOptions = z
  .strictObject({
    targets: z.array(SslTarget).min(1),
    /** Degraded when fewer days than this remain. */
    warn_days: z.number().nonnegative().default(14),
    /** Down when fewer days than this remain. */
    crit_days: z.number().nonnegative().default(7),
    /** Name sent as SNI and checked against the certificate, instead of each target's host. */
    servername: z.string().min(1).optional(),
    /** PEM file of CA certificates to trust instead of the system roots (private CAs). */
    ca_file: z.string().min(1).optional(),
  })
  .refine((c) => c.crit_days <= c.warn_days, {
    message: "crit_days must not exceed warn_days",
    path: ["crit_days"],
  });
export type SslMonitorOptions = z.output<typeof SslMonitorOptions>;
