import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getRequestListener } from "@hono/node-server";
import { downloadRoutes } from "../../src/downloads.ts";

/** What the installer tests share: the agent's single executable and a system root to install into. */

export const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
/** Where `pnpm --filter @custos/agent build:binary` puts the agent's executables and their sums. */
export const AGENT_DIST = join(REPO, "apps", "agent", "dist");
/** This machine's architecture as the agent's downloads name it. */
export const THIS_ARCH = process.arch === "arm64" ? "arm64" : "x64";
/** The agent's executable for this machine, as named in AGENT_DIST and under /downloads/. */
export const AGENT_BINARY = `custos-agent-linux-${THIS_ARCH}`;

/** Builds the agent's single executable into AGENT_DIST (the build script skips it when it is up to date). */
export async function buildAgentBinary(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(REPO, "apps", "agent", "sea", "build.ts")], {
    timeout: 600_000,
  });
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Makes the empty directory `root` a system root with the account files `useradd --prefix` works on; `root`. */
export function withAccountFiles(root: string): string {
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  writeFileSync(join(root, "etc", "group"), "root:x:0:\n");
  writeFileSync(join(root, "etc", "shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
  writeFileSync(join(root, "etc", "gshadow"), "root:*::\n", { mode: 0o640 });
  return root;
}

/** A server that answers only /downloads/ from `dir`, through the real route code. */
export async function downloadsServer(dir: string): Promise<{ url: string; server: Server }> {
  const app = downloadRoutes({ dir });
  const srv = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, server: srv };
}
