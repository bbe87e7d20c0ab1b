/**
 * dns: resolution time and expected answers per query, and the DDNS check (the name's A/AAAA
 * record must equal this host's public address). The runner talks to node:dns and fetch;
 * parse.ts reads the answers and replies, evaluate.ts judges, address-history.ts remembers the
 * public addresses seen.
 */
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { type DdnsCheck, DnsMonitorOptions, type DnsRecordType } from "@custos/protocol";
import { HttpError, httpRequest } from "../../util/http-client.ts";
import type { CheckOutcome, Collected, PluginContext, PluginInstance, Sample } from "../types.ts";
import { definePlugin } from "../types.ts";
import { readHistory, recordAddress } from "./address-history.ts";
import { evaluateDdns, evaluateQuery } from "./evaluate.ts";
import { formatAnswers, parsePublicAddress, type RawAnswers } from "./parse.ts";

export const plugin = definePlugin({
  type: "dns",
  configSchema: DnsMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: (config) => {
    if (config.ddns && config.queries.length === 0) return `dns:${config.ddns.name}`;
    const [only] = config.queries;
    return config.queries.length === 1 && !config.ddns && only ? `dns:${only.name}` : "dns";
  },
  create: (config, ctx) => createDns(config, ctx),
});

const HISTORY_KEY = "ddns_history";
const MAX_LOOKUP_BYTES = 4096;

function createDns(config: DnsMonitorOptions, ctx: PluginContext): PluginInstance {
  const several = config.queries.length + (config.ddns ? 1 : 0) > 1;
  const monitorFor = (suffix: string) =>
    several ? `${ctx.monitorName}:${suffix}`.replace(/[^A-Za-z0-9_.:\-/]/g, "_") : undefined;

  return {
    async collect(signal): Promise<Collected> {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(ctx.timeoutMs)]);
      const deadlineAt = Date.now() + ctx.timeoutMs;
      const result: Collected = { samples: [], checks: [], events: [] };

      const queryResults = await Promise.all(
        config.queries.map(async (query) => {
          const server = query.server ?? config.server;
          const resolved = await resolve(query.name, query.type, server, deadline, deadlineAt);
          const verdict = evaluateQuery({
            name: query.name,
            type: query.type,
            elapsedMs: resolved.elapsedMs,
            match: query.match,
            ...(resolved.answers ? { answers: resolved.answers } : { error: resolved.error }),
            ...(query.expect ? { expect: query.expect } : {}),
            ...(config.slow_ms !== undefined ? { slowMs: config.slow_ms } : {}),
          });
          return { query, resolved, verdict };
        }),
      );
      for (const { query, resolved, verdict } of queryResults) {
        const labels = { name: query.name, type: query.type };
        if (resolved.answers) {
          result.samples.push(
            { name: "dns.resolve_ms", value: Math.round(resolved.elapsedMs * 100) / 100, labels },
            { name: "dns.answers", value: resolved.answers.length, labels },
          );
        }
        if (query.expect)
          result.samples.push({ name: "dns.match", value: verdict.status === "down" ? 0 : 1, labels });
        result.checks.push(check(monitorFor(`${query.name}/${query.type}`), verdict, resolved.elapsedMs));
      }

      if (config.ddns) {
        const ddns = await checkDdns(config.ddns, config.server, ctx, deadline, deadlineAt);
        result.samples.push(...ddns.samples);
        result.checks.push({ ...ddns.check, ...(monitorFor("ddns") ? { monitor: monitorFor("ddns") } : {}) });
        if (ddns.event) result.events?.push(ddns.event);
      }
      return result;
    },
  };
}

function check(
  monitor: string | undefined,
  verdict: Pick<CheckOutcome, "status" | "message">,
  elapsedMs: number,
) {
  return { ...(monitor ? { monitor } : {}), ...verdict, latency_ms: Math.round(elapsedMs) } as CheckOutcome;
}

async function resolve(
  name: string,
  type: DnsRecordType,
  server: string | undefined,
  deadline: AbortSignal,
  deadlineAt: number,
): Promise<{ answers?: string[]; error?: string; elapsedMs: number }> {
  const resolver = new Resolver({ timeout: Math.max(100, deadlineAt - Date.now()), tries: 1 });
  if (server) resolver.setServers([server]);
  const cancel = () => resolver.cancel();
  deadline.addEventListener("abort", cancel, { once: true });
  const started = performance.now();
  try {
    const raw: RawAnswers = await byType(resolver, name, type);
    return { answers: formatAnswers(type, raw), elapsedMs: performance.now() - started };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      error: deadline.aborted ? "ETIMEOUT" : (code ?? String(error)),
      elapsedMs: performance.now() - started,
    };
  } finally {
    deadline.removeEventListener("abort", cancel);
  }
}

function byType(resolver: Resolver, name: string, type: DnsRecordType): Promise<RawAnswers> {
  switch (type) {
    case "A":
      return resolver.resolve4(name);
    case "AAAA":
      return resolver.resolve6(name);
    case "CNAME":
      return resolver.resolveCname(name);
    case "MX":
      return resolver.resolveMx(name);
    case "TXT":
      return resolver.resolveTxt(name);
  }
}

async function checkDdns(
  ddns: DdnsCheck,
  defaultServer: string | undefined,
  ctx: PluginContext,
  deadline: AbortSignal,
  deadlineAt: number,
): Promise<{ samples: Sample[]; check: CheckOutcome; event?: NonNullable<Collected["events"]>[number] }> {
  const started = performance.now();
  const lookup = await lookupPublicAddress(ddns.ip_lookup_url, deadline);
  if (typeof lookup !== "string") {
    return {
      samples: [],
      check: {
        status: "degraded",
        message: `${ddns.name} ${ddns.record}: cannot learn this host's public address: ${lookup.error}`,
        latency_ms: Math.round(performance.now() - started),
      },
    };
  }
  const family = ddns.record === "A" ? 4 : 6;
  if (isIP(lookup) !== family) {
    return {
      samples: [],
      check: {
        status: "degraded",
        message: `${ddns.name} ${ddns.record}: ip_lookup_url answered ${lookup}, not an IPv${family} address`,
        latency_ms: Math.round(performance.now() - started),
      },
    };
  }

  const now = new Date();
  const previous = readHistory(ctx.state.get(HISTORY_KEY));
  const { history, changedFrom } = recordAddress(previous, lookup, now);
  if (history.length !== previous.length || changedFrom !== undefined) ctx.state.set(HISTORY_KEY, history);
  const event = changedFrom
    ? {
        kind: "ddns_public_address_changed",
        message: `public IPv${family} address changed from ${changedFrom} to ${lookup}`,
        data: { name: ddns.name, previous: changedFrom, current: lookup },
      }
    : undefined;
  const lastChange = history.length > 1 ? history.at(-1)?.since : undefined;

  const resolved = await resolve(ddns.name, ddns.record, ddns.server ?? defaultServer, deadline, deadlineAt);
  const verdict = evaluateDdns({
    name: ddns.name,
    record: ddns.record,
    publicAddress: lookup,
    now,
    ...(resolved.answers ? { published: resolved.answers } : { error: resolved.error }),
    ...(lastChange ? { changedAt: lastChange } : {}),
  });
  const samples: Sample[] = [
    { name: "dns.ddns.match", value: verdict.status === "ok" ? 1 : 0, labels: { name: ddns.name } },
  ];
  if (resolved.answers) {
    samples.push({
      name: "dns.resolve_ms",
      value: Math.round(resolved.elapsedMs * 100) / 100,
      labels: { name: ddns.name, type: ddns.record },
    });
  }
  if (lastChange) {
    samples.push({
      name: "dns.ddns.seconds_since_address_change",
      value: Math.round((now.getTime() - Date.parse(lastChange)) / 1000),
      labels: { name: ddns.name },
    });
  }
  return {
    samples,
    check: { ...verdict, latency_ms: Math.round(performance.now() - started) },
    ...(event ? { event } : {}),
  };
}

async function lookupPublicAddress(url: string, deadline: AbortSignal): Promise<string | { error: string }> {
  try {
    const response = await httpRequest(url, {
      signal: deadline,
      headers: { accept: "text/plain, application/json" },
      maxRedirects: 5,
      maxBodyBytes: MAX_LOOKUP_BYTES,
      readBody: (head) => head.status === 200,
    });
    if (response.status !== 200) return { error: `HTTP ${response.status}` };
    return parsePublicAddress(response.body.toString("utf8"));
  } catch (error) {
    if (deadline.aborted) return { error: "timed out" };
    return { error: (error instanceof HttpError ? error.code : undefined) ?? (error as Error).message };
  }
}
