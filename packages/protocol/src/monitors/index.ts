/**
 * Every monitor type's options schema, by the `type:` a monitor entry carries. The agent's
 * plugins use these schemas as their `configSchema` (one object each, checked by
 * apps/agent/src/plugins/registry.test.ts), so the backend validating a monitor definition with
 * `MONITOR_OPTIONS[type]` accepts and refuses exactly what the agent would, with the same paths.
 *
 * What stays in the agent: the common keys are stripped before these run (`MonitorEntry`,
 * config.ts), and two conveniences of agent.yaml that are not part of a stored definition —
 * aliases (`services:` for systemd's `units:`) and list forms (`endpoints:` of http) — are
 * resolved by the agent's loader first. A definition edited centrally uses the canonical keys.
 */
import type { z } from "zod";
import { AgentMonitorOptions } from "./agent.ts";
import { AppMetricsMonitorOptions } from "./app-metrics.ts";
import { DnsMonitorOptions } from "./dns.ts";
import { DockerMonitorOptions } from "./docker.ts";
import { HikvisionMonitorOptions } from "./hikvision.ts";
import { HttpMonitorOptions } from "./http.ts";
import { MinioMonitorOptions } from "./minio.ts";
import { PingMonitorOptions } from "./ping.ts";
import { PostgresMonitorOptions } from "./postgres.ts";
import { PowerMonitorOptions } from "./power.ts";
import { ProcessMonitorOptions } from "./process.ts";
import { PrometheusMonitorOptions } from "./prometheus.ts";
import { SensorsMonitorOptions } from "./sensors.ts";
import { SmartMonitorOptions } from "./smart.ts";
import { SslMonitorOptions } from "./ssl.ts";
import { SystemMonitorOptions } from "./system.ts";
import { SystemdMonitorOptions } from "./systemd.ts";
import { TailscaleMonitorOptions } from "./tailscale.ts";
import { UpsMonitorOptions } from "./ups.ts";

export * from "./agent.ts";
export * from "./app-metrics.ts";
export * from "./dns.ts";
export * from "./docker.ts";
export * from "./hikvision.ts";
export * from "./http.ts";
export * from "./ip-address.ts";
export * from "./metric-patterns.ts";
export * from "./minio.ts";
export * from "./ping.ts";
export * from "./postgres.ts";
export * from "./power.ts";
export * from "./process.ts";
export * from "./prometheus.ts";
export * from "./sensors.ts";
export * from "./smart.ts";
export * from "./ssl.ts";
export * from "./system.ts";
export * from "./systemd.ts";
export * from "./tailscale.ts";
export * from "./thresholds.ts";
export * from "./ups.ts";

/** monitor type -> the schema of its options (one line per type, keep sorted). */
export const MONITOR_OPTIONS = {
  agent: AgentMonitorOptions,
  app_metrics: AppMetricsMonitorOptions,
  dns: DnsMonitorOptions,
  docker: DockerMonitorOptions,
  hikvision: HikvisionMonitorOptions,
  http: HttpMonitorOptions,
  minio: MinioMonitorOptions,
  ping: PingMonitorOptions,
  postgres: PostgresMonitorOptions,
  power: PowerMonitorOptions,
  process: ProcessMonitorOptions,
  prometheus: PrometheusMonitorOptions,
  sensors: SensorsMonitorOptions,
  smart: SmartMonitorOptions,
  ssl: SslMonitorOptions,
  system: SystemMonitorOptions,
  systemd: SystemdMonitorOptions,
  tailscale: TailscaleMonitorOptions,
  ups: UpsMonitorOptions,
} as const satisfies Record<string, z.ZodType>;

export type MonitorType = keyof typeof MONITOR_OPTIONS;
export const MONITOR_TYPES = Object.keys(MONITOR_OPTIONS) as MonitorType[];

/** The options of a monitor of `type`, as the agent's plugin receives them (defaults filled in). */
export type MonitorOptions<Type extends MonitorType> = z.output<(typeof MONITOR_OPTIONS)[Type]>;

/** The schema of `type`'s options, or undefined for a type no agent knows. */
export function monitorOptionsSchema(type: string): (typeof MONITOR_OPTIONS)[MonitorType] | undefined {
  return Object.hasOwn(MONITOR_OPTIONS, type) ? MONITOR_OPTIONS[type as MonitorType] : undefined;
}
