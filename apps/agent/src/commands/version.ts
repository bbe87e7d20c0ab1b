/** `custos-agent version` */
import { AGENT_VERSION } from "../version.ts";
import type { Output } from "./shared.ts";

export function versionCommand(output: Output): number {
  output.out(`custos-agent ${AGENT_VERSION} (node ${process.version}, ${process.platform}-${process.arch})`);
  return 0;
}
