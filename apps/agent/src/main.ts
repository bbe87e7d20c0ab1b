/**
 * Entry point: `node src/main.ts <command>` (Node 24 strips the types) and the input of the
 * single-executable bundle.
 */
import { runCli } from "./cli.ts";
import { errorMessage } from "./log.ts";
import { describeFailure } from "./report-error.ts";

// A bug must not leave a half-working daemon: log one line and exit 70 (systemd restarts it).
for (const event of ["unhandledRejection", "uncaughtException"] as const) {
  process.on(event, (reason: unknown) => {
    const line = { ts: new Date().toISOString(), level: "error", msg: event, error: errorMessage(reason) };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(70);
  });
}

runCli(process.argv).then(
  // explicit exit: a plugin's idle socket or keep-alive connection must not hold the process
  (code) => process.exit(code),
  (error: unknown) => {
    const failure = describeFailure(error);
    process.stderr.write(`${failure.text}\n`);
    process.exit(failure.exitCode);
  },
);
