/**
 * name -> plugin. Adding a plugin is a folder plus one line here (static imports, so the
 * single-executable bundle contains every plugin).
 */

// plugin imports (one line per plugin, keep sorted)
import { agentPlugin } from "./agent/index.ts";
import { plugin as appMetricsPlugin } from "./app_metrics/index.ts";
import { plugin as dnsPlugin } from "./dns/index.ts";
import { plugin as dockerPlugin } from "./docker/index.ts";
import { plugin as hikvisionPlugin } from "./hikvision/index.ts";
import { plugin as httpPlugin } from "./http/index.ts";
import { plugin as minioPlugin } from "./minio/index.ts";
import { plugin as pingPlugin } from "./ping/index.ts";
import { plugin as postgresPlugin } from "./postgres/index.ts";
import { plugin as powerPlugin } from "./power/index.ts";
import { plugin as processPlugin } from "./process/index.ts";
import { plugin as prometheusPlugin } from "./prometheus/index.ts";
import { plugin as sensorsPlugin } from "./sensors/index.ts";
import { plugin as smartPlugin } from "./smart/index.ts";
import { plugin as sslPlugin } from "./ssl/index.ts";
import { plugin as systemPlugin } from "./system/index.ts";
import { plugin as systemdPlugin } from "./systemd/index.ts";
import { plugin as tailscalePlugin } from "./tailscale/index.ts";
import type { PluginDefinition } from "./types.ts";
import { plugin as upsPlugin } from "./ups/index.ts";

export const plugins: Record<string, PluginDefinition> = {
  // plugin entries (one line per plugin, keep sorted)
  agent: agentPlugin as PluginDefinition,
  app_metrics: appMetricsPlugin,
  dns: dnsPlugin,
  docker: dockerPlugin,
  hikvision: hikvisionPlugin,
  http: httpPlugin,
  minio: minioPlugin,
  ping: pingPlugin,
  postgres: postgresPlugin,
  power: powerPlugin,
  process: processPlugin,
  prometheus: prometheusPlugin,
  sensors: sensorsPlugin,
  smart: smartPlugin,
  ssl: sslPlugin,
  system: systemPlugin,
  systemd: systemdPlugin,
  tailscale: tailscalePlugin,
  ups: upsPlugin,
};
