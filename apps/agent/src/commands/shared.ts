/** What every command needs: the config path and the loaded config. */
import { loadConfig } from "../config/load.ts";
import { DEFAULT_CONFIG_PATH } from "../config/paths.ts";
import type { AgentSettings } from "../config/settings.ts";
import { agentEnv, substitutionEnv } from "../env.ts";
import { plugins as registry } from "../plugins/registry.ts";
import type { PluginDefinition } from "../plugins/types.ts";

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

export function configPath(option: string | undefined): string {
  return option ?? agentEnv().CUSTOS_AGENT_CONFIG ?? DEFAULT_CONFIG_PATH;
}

export function loadSettings(
  path: string,
  plugins: Readonly<Record<string, PluginDefinition>> = registry,
): AgentSettings {
  return loadConfig(path, { plugins, env: substitutionEnv() });
}
