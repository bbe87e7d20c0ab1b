/**
 * The only place that reads process.env. Validated at start-up: a bad value stops the process
 * with a message naming the variable.
 */
import { z } from "zod";
import { UsageError } from "./errors.ts";

const EnvSchema = z.object({
  CUSTOS_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Config path when --config is not given. */
  CUSTOS_AGENT_CONFIG: z.string().min(1).optional(),
});
type AgentEnv = z.infer<typeof EnvSchema>;

let cached: AgentEnv | undefined;

export function agentEnv(): AgentEnv {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`environment variable ${String(issue?.path[0])}: ${issue?.message ?? "invalid"}`);
  }
  cached = parsed.data;
  return cached;
}

/** Variables available to `${VAR}` substitution in the config file. */
export function substitutionEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** Environment for commands run by plugins (ctx.exec), with the plugin's additions on top. */
export function childEnv(extra?: Record<string, string>): Record<string, string | undefined> {
  return extra ? { ...process.env, ...extra } : process.env;
}
