import { readEnv } from "../env.ts";
import { createLogger } from "../log.ts";
import { startCustosServer } from "../runtime.ts";

export async function startCommand(): Promise<void> {
  const env = readEnv();
  const log = createLogger(env.CUSTOS_LOG);
  const server = await startCustosServer(env, log);
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    log.info("shutting down", { signal });
    const force = setTimeout(() => {
      log.error("shutdown took longer than 30 s; exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("shutdown failed", { error: String(error) });
        process.exit(1);
      },
    );
  };
  // This process owns its shutdown: no other handler (a library's exit hook) may exit at once
  // on these signals and cut in-flight requests; shutdown stops PostgreSQL itself.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => shutdown(signal));
  }
  process.removeAllListeners("beforeExit");
}
