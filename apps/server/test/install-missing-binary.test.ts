/**
 * What a person sees when custos-server has no agent binary for their architecture (e.g. the
 * other architecture's build was skipped because the npm registry was unreachable): the 404
 * names the architecture and the command that builds it, and install.sh shows that answer
 * instead of only "could not download".
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { downloadRoutes } from "../src/downloads.ts";
import { downloadsServer, THIS_ARCH } from "./helpers/agent-binary.ts";
import { runToEnd } from "./helpers/run.ts";
import { tempDirsRemovedAfterAll } from "./helpers/temp-dirs.ts";

const INSTALL_SH = fileURLToPath(new URL("../../../install.sh", import.meta.url));
const tempDir = tempDirsRemovedAfterAll();

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
    const { url, server: srv } = await downloadsServer(tempDir("custos-downloads-"));
    // an empty system root with the account files install.sh would use (it stops before them)
    const root = tempDir("custos-install-");
    mkdirSync(join(root, "etc"));
    writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    const run = await runToEnd(
      "bash",
      [INSTALL_SH, `--url=${url}`, "--api-key=ck_test_missing_binary", "--no-start"],
      {
        env: { ...process.env, CUSTOS_INSTALL_ROOT: root },
      },
    );
    srv.close();
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      `answered HTTP 404: custos-agent-linux-${THIS_ARCH} (the agent for linux-${THIS_ARCH})`,
    );
    expect(run.stderr).toContain(`pnpm --filter @custos/agent build:binary --arch ${THIS_ARCH}`);
    expect(readdirSync(root)).toEqual(["etc"]);
  });
});
