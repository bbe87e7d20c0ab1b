/**
 * `custos-agent register --url URL --api-key KEY [--config PATH]`: registers this host and keeps
 * the server id in the state database. When no config file exists at the path, writes a minimal
 * one (mode 0600, it holds the API key) so `run` can start right after.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { stringify } from "yaml";
import { UsageError } from "../errors.ts";
import { plugins } from "../plugins/registry.ts";
import { BackendClient } from "../push/client.ts";
import { register, registerFailure } from "../push/register.ts";
import { openStore } from "../store/store.ts";
import { configPath, loadSettings, type Output } from "./shared.ts";

interface RegisterOptions {
  url: string;
  apiKey: string;
  config?: string;
  serverName?: string;
  /** State database path written into a new config (default /var/lib/custos/agent.db). */
  state?: string;
}

function minimalConfig(options: {
  url: string;
  apiKey: string;
  serverName: string;
  statePath?: string;
}): string {
  const monitors = "system" in plugins ? [{ type: "system" }] : [{ type: "agent" }];
  const doc = {
    api_key: options.apiKey,
    url: options.url,
    server_name: options.serverName,
    heartbeat_interval: "60s",
    metrics_push_interval: "30s",
    monitors,
    ...(options.statePath ? { buffer: { path: resolve(options.statePath) } } : {}),
  };
  return `# custos-agent configuration, written by \`custos-agent register\`.\n# Add monitors and local_alerts here; see the agent README.\n${stringify(doc)}`;
}

export async function registerCommand(options: RegisterOptions, output: Output): Promise<number> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new UsageError(`--url: not a URL: ${options.url}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError("--url: use an http:// or https:// URL");
  const baseUrl = options.url.replace(/\/+$/, "");
  const path = resolve(configPath(options.config));

  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    const text = minimalConfig({
      url: baseUrl,
      apiKey: options.apiKey,
      serverName: options.serverName ?? hostname(),
      ...(options.state ? { statePath: options.state } : {}),
    });
    writeFileSync(path, text, { mode: 0o600, flag: "wx" });
    output.out(`wrote ${path}`);
  }
  const settings = loadSettings(path);
  if (settings.url !== baseUrl || settings.apiKey !== options.apiKey) {
    output.err(`note: ${path} names a different url or api_key; \`run\` uses the config file's values`);
  }

  const store = openStore(settings.buffer.path);
  try {
    const client = new BackendClient({ url: baseUrl, apiKey: options.apiKey });
    const result = await register(client, store, {
      url: baseUrl,
      apiKey: options.apiKey,
      serverName: options.serverName ?? settings.serverName,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
    });
    if (!result.ok) throw registerFailure(result);
    const { server_id: serverId, approval } = result.response;
    output.out(`registered as server ${serverId} (${approval})`);
    if (approval === "pending")
      output.out("approve this server in the dashboard; the agent buffers until then");
    return 0;
  } finally {
    store.close();
  }
}
