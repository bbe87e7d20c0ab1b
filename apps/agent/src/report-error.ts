/** The one place errors become stderr text and an exit code. */
import { AgentError, ConfigError, EXIT, UsageError } from "./errors.ts";
import { errorMessage } from "./log.ts";

export function describeFailure(error: unknown): { text: string; exitCode: number } {
  if (error instanceof ConfigError)
    return { text: `custos-agent: invalid config\n${error.message}`, exitCode: error.exitCode };
  if (error instanceof UsageError)
    return { text: `custos-agent: ${error.message}`, exitCode: error.exitCode };
  if (error instanceof AgentError)
    return { text: `custos-agent: ${error.message}`, exitCode: error.exitCode };
  const stack = error instanceof Error && error.stack ? `\n${error.stack}` : "";
  return { text: `custos-agent: unexpected error: ${errorMessage(error)}${stack}`, exitCode: EXIT.software };
}
