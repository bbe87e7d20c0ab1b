/** Wires the commands to commander; each action lives in commands/<name>.ts. */
import { Command, CommanderError } from "commander";
import { checkCommand } from "./commands/check.ts";
import { registerCommand } from "./commands/register.ts";
import { runCommand } from "./commands/run.ts";
import { type Output, processOutput } from "./commands/shared.ts";
import { statusCommand } from "./commands/status.ts";
import { versionCommand } from "./commands/version.ts";
import { UsageError } from "./errors.ts";
import { AGENT_VERSION } from "./version.ts";

const CONFIG_HELP = "config file (default /etc/custos/agent.yaml, or $CUSTOS_AGENT_CONFIG)";

/** Parses argv and runs the command; resolves to the exit code, rejects with typed errors. */
export async function runCli(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("custos-agent")
    .description("Custos monitoring agent: collects, buffers, forwards and alerts")
    .version(AGENT_VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text), writeErr: (text) => output.err(text) })
    .showHelpAfterError();

  program
    .command("run")
    .description("run the agent (collect, buffer, push, heartbeat, alert)")
    .option("-c, --config <path>", CONFIG_HELP)
    .action(async (options: { config?: string }) => {
      exitCode = await runCommand(options);
    });

  program
    .command("register")
    .description("register this host with the backend and store the server id")
    .requiredOption("--url <url>", "backend base URL")
    .requiredOption("--api-key <key>", "agent API key")
    .option("-c, --config <path>", `${CONFIG_HELP}; written with these values when missing`)
    .option("--server-name <name>", "name shown in the dashboard (default: hostname)")
    .option("--state <path>", "state database path to put in a newly written config")
    .action(
      async (options: {
        url: string;
        apiKey: string;
        config?: string;
        serverName?: string;
        state?: string;
      }) => {
        exitCode = await registerCommand(options, output);
      },
    );

  program
    .command("status")
    .description("show buffer depth and age, last push and heartbeat, and each monitor's state")
    .option("-c, --config <path>", CONFIG_HELP)
    .option("--json", "print JSON")
    .action((options: { config?: string; json?: boolean }) => {
      exitCode = statusCommand(options, output);
    });

  program
    .command("check")
    .description("run the configured checks once and print the results (exit 1 if any is down)")
    .argument("[monitor]", "only this monitor")
    .option("-c, --config <path>", CONFIG_HELP)
    .option("--json", "print JSON")
    .action(async (monitor: string | undefined, options: { config?: string; json?: boolean }) => {
      exitCode = await checkCommand(monitor, options, output);
    });

  program
    .command("version")
    .description("print the agent version")
    .action(() => {
      exitCode = versionCommand(output);
    });

  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      throw new UsageError(error.message.replace(/^error: /, ""));
    }
    throw error;
  }
  return exitCode;
}
