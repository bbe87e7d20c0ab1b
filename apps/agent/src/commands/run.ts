/** `custos-agent run`: the daemon. Stops cleanly on SIGTERM/SIGINT. */
import { agentEnv } from "../env.ts";
import { createLogger } from "../log.ts";
import { startAgent } from "../runtime.ts";
import { configPath, loadSettings } from "./shared.ts";

export async function runCommand(options: { config?: string }): Promise<number> {
  const settings = loadSettings(configPath(options.config));
  const log = createLogger({ level: agentEnv().CUSTOS_LOG_LEVEL });
  const agent = await startAgent(settings, { log });
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        log.warn("second signal; exiting at once", { signal });
        process.exit(130);
      }
      log.info("signal received", { signal });
      agent.stop().then(resolve, (error: unknown) => {
        log.error("stopping failed", { error: String(error) });
        resolve();
      });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
  return 0;
}
