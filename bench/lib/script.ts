/** What every benchmark script does around its measurements: progress lines, cleanup, exit code. */

/** A progress line, stamped with the UTC time of day. */
export const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Runs every cleanup step in order; a step that fails is printed and the later ones still run. */
export async function runCleanup(steps: (() => unknown)[]): Promise<void> {
  for (const fn of steps) {
    try {
      await fn();
    } catch (error) {
      console.error(`cleanup: ${String(error)}`);
    }
  }
}

/** Runs the script's `main` and exits: 0 when it is done (open handles or not), 1 with the error printed. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
