/**
 * What a person sees when custos-server has no agent binary for their architecture (e.g. the
 * other architecture's build was skipped because the npm registry was unreachable): the 404
 * names the architecture and the command that builds it, and install.sh shows that answer
 * instead of only "could not download".
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getRequestListener } from "@hono/node-server";
import { afterAll, describe, expect, it } from "vitest";
import { downloadRoutes } from "../src/downloads.ts";

const INSTALL_SH = fileURLToPath(new URL("../../../install.sh", import.meta.url));
const HOST = process.arch === "arm64" ? "arm64" : "x64";
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe("a missing agent binary", () => {
  it("answers 404 naming the architecture and the exact command that builds it", async () => {
    const app = downloadRoutes({ dir: tempDir("custos-downloads-") });
    for (const arch of ["x64", "arm64"]) {
      for (const name of [`custos-agent-linux-${arch}`, `custos-agent-linux-${arch}.sha256`]) {
        const res = await app.request(`/downloads/${name}`);
        expect(res.status).toBe(404);
        const text = await res.text();
        expect(text).toContain(`custos-agent-linux-${arch} (the agent for linux-${arch}) has not been built`);
        expect(text).toContain(`pnpm --filter @custos/agent build:binary --arch ${arch}`);
      }
    }
  });

  it("makes install.sh print the server's explanation and install nothing", async () => {
    const srv = createServer(getRequestListener(downloadRoutes({ dir: tempDir("custos-downloads-") }).fetch));
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    // an empty system root with the account files install.sh would use (it stops before them)
    const root = tempDir("custos-install-");
    mkdirSync(join(root, "etc"));
    writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        "bash",
        [INSTALL_SH, `--url=${url}`, "--api-key=ck_test_missing_binary", "--no-start"],
        {
          env: { ...process.env, CUSTOS_INSTALL_ROOT: root },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.on("close", (code) => resolve({ code, stderr }));
    });
    srv.close();
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      `answered HTTP 404: custos-agent-linux-${HOST} (the agent for linux-${HOST})`,
    );
    expect(run.stderr).toContain(`pnpm --filter @custos/agent build:binary --arch ${HOST}`);
    expect(readdirSync(root)).toEqual(["etc"]);
  });
});
