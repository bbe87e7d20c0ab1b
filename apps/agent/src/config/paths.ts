/** Default locations (the installer uses the same ones). */
export const DEFAULT_CONFIG_PATH = "/etc/custos/agent.yaml";
export const DEFAULT_STATE_PATH = "/var/lib/custos/agent.db";
/** A config file larger than this is refused before it is parsed. */
export const MAX_CONFIG_BYTES = 1_048_576;
