/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per package and per function.
 *   node bench/cpuprofile-summary.ts path/to/CPU.*.cpuprofile [--top 30]
 */
import { numberFlag, readFlags } from "./lib/args.ts";
import { formatProfile, summariseProfile } from "./lib/cpuprofile.ts";

const [path, ...rest] = process.argv.slice(2);
if (!path) {
  console.error("usage: node bench/cpuprofile-summary.ts <file.cpuprofile> [--top N]");
  process.exit(2);
}
const top = numberFlag(readFlags(rest), "top", 30);
console.log(formatProfile(summariseProfile(path, top)));
