/** The thin upsc runner shared by the ups and power plugins. */
import type { ExecResult, PluginContext } from "../types.ts";
import { UnsupportedError } from "../types.ts";
import { parseUpsc, type UpsVariables } from "./parse.ts";

/** Runs `upsc <ups>` and returns its variables, or the reason it could not. A missing upsc is UnsupportedError. */
export async function queryUpsc(
  ctx: PluginContext,
  command: string,
  ups: string,
): Promise<{ vars: UpsVariables } | { error: string }> {
  let result: ExecResult;
  try {
    result = await ctx.exec(command, [ups], { timeoutMs: ctx.timeoutMs });
  } catch (error) {
    if (error instanceof UnsupportedError) {
      throw new UnsupportedError(
        `${error.message}; install NUT's client (Debian/Ubuntu: apt install nut-client)`,
      );
    }
    return { error: `${command} ${ups}: ${(error as Error).message}` };
  }
  const vars = parseUpsc(result.stdout);
  if (result.code !== 0 || vars["ups.status"] === undefined) {
    const reason = result.stderr.trim().split("\n").at(-1) || `exit code ${result.code}`;
    return { error: `${command} ${ups} failed: ${reason}` };
  }
  return { vars };
}
