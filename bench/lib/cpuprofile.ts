import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** (idle) excluded */
  busyMs: number;
  functions: { name: string; where: string; selfMs: number; pctBusy: number }[];
  groups: { group: string; selfMs: number; pctBusy: number }[];
}

/** Which package or part of the code a script URL belongs to. */
export function groupOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === "(garbage collector)") return "(gc)";
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(program)") return "(program: native / not attributed)";
    return "(native)";
  }
  if (url.startsWith("node:internal/deps/")) return `node:internal/deps/${url.slice(19).split("/")[0]}`;
  if (url.startsWith("node:internal/"))
    return `node:internal/${url.slice(14).split("/")[0]?.replace(/\.js$/, "")}`;
  if (url.startsWith("node:")) return url;
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const m = /\/(packages|apps)\/([^/]+)\/src\/(.*)$/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  return url;
}

/** Self time per function and per package from a V8 .cpuprofile (as written by --cpu-prof). */
export function summariseProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    // timeDeltas[i] is the time before sample i; attribute the interval after it to sample i
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const groups = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    const name = functionName || "(anonymous)";
    const short = url
      .replace(/^file:\/\//, "")
      .replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, "");
    const where = url ? `${short.replace(/^.*\/work\/main\//, "")}:${lineNumber + 1}` : "";
    const key = `${name}@${where}`;
    const entry = fn.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const g = groupOf(url, functionName);
    groups.set(g, (groups.get(g) ?? 0) + us);
  }
  const busy = total - idle;
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    functions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, pctBusy: (f.us / busy) * 100 })),
    groups: [...groups]
      .sort((a, b) => b[1] - a[1])
      .map(([group, us]) => ({ group, selfMs: us / 1000, pctBusy: (us / busy) * 100 })),
  };
}

export function formatProfile(s: ProfileSummary): string {
  const lines = [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s wall on the main thread, busy ${(s.busyMs / 1000).toFixed(1)} s (${((s.busyMs / s.totalMs) * 100).toFixed(0)} %)`,
    "",
    "self time by package / part (share of busy time):",
    ...s.groups.slice(0, 18).map((g) => `  ${g.pctBusy.toFixed(1).padStart(5)} %  ${g.group}`),
    "",
    "top functions by self time:",
    ...s.functions.map((f) => `  ${f.pctBusy.toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`),
  ];
  return lines.join("\n");
}
