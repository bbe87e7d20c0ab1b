import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../plugins/types.ts";
import { runCommand } from "./exec.ts";

describe("ctx.exec", () => {
  it("runs a command without a shell and returns its output and exit code", async () => {
    const result = await runCommand(process.execPath, [
      "-e",
      "process.stdout.write('$HOME;'); process.exit(3)",
    ]);
    expect(result).toEqual({ stdout: "$HOME;", stderr: "", code: 3 });
  });

  it("reports a missing tool as unsupported: command not found", async () => {
    const error = await runCommand("custos-no-such-tool", ["--version"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toBe("command not found: custos-no-such-tool");
  });

  it("kills a command that runs past its deadline", async () => {
    const started = Date.now();
    await expect(
      runCommand(process.execPath, ["-e", "setTimeout(() => {}, 10000)"], { timeoutMs: 300 }),
    ).rejects.toThrow(/timed out after 0\.3s/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("passes extra environment variables on top of the agent's", async () => {
    const result = await runCommand(
      process.execPath,
      ["-e", "process.stdout.write(process.env.CUSTOS_EXEC_TEST ?? '')"],
      {
        env: { CUSTOS_EXEC_TEST: "yes" },
      },
    );
    expect(result.stdout).toBe("yes");
  });
});
