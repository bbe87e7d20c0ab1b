/** Small plugins for runtime tests (the real ones live in src/plugins/<name>/). */
import { z } from "zod";
import {
  type Collected,
  definePlugin,
  type PluginContext,
  type PluginDefinition,
  UnsupportedError,
} from "../../src/plugins/types.ts";

/** A plugin's state as the runtime keeps it: every value goes through JSON, as it does on disk. */
export function jsonState(store = new Map<string, string>()): PluginContext["state"] {
  return {
    get: <T>(key: string) => {
      const text = store.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    set: (key, value) => {
      store.set(key, JSON.stringify(value));
    },
  };
}

const asDefinition = (plugin: unknown) => plugin as PluginDefinition;

export const probePlugin = asDefinition(
  definePlugin({
    type: "probe",
    configSchema: z.strictObject({ url: z.url(), expected_status: z.number().int().default(200) }),
    defaultIntervalMs: 30_000,
    defaultName: (config) => `probe:${new URL(config.url).host}`,
    create: () => ({ collect: async () => ({ samples: [], checks: [{ status: "ok" as const }] }) }),
  }),
);

/** Reports whatever the test put in `script` for its name: a status sequence, a delay, a throw. */
export interface Scripted {
  statuses?: ("ok" | "down" | "degraded")[];
  delayMs?: number;
  ignoreAbort?: boolean;
  throws?: string;
  unsupported?: string;
  samples?: number;
}
export const script = new Map<string, Scripted>();
export const calls = new Map<string, number>();

export const scriptedPlugin = asDefinition(
  definePlugin({
    type: "scripted",
    configSchema: z.strictObject({ key: z.string() }),
    defaultIntervalMs: 1_000,
    defaultName: (config) => `scripted:${config.key}`,
    create(config) {
      return {
        async collect(signal): Promise<Collected> {
          const n = (calls.get(config.key) ?? 0) + 1;
          calls.set(config.key, n);
          const plan = script.get(config.key) ?? {};
          if (plan.unsupported) throw new UnsupportedError(plan.unsupported);
          if (plan.delayMs) {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(resolve, plan.delayMs);
              if (!plan.ignoreAbort) {
                signal.addEventListener("abort", () => {
                  clearTimeout(timer);
                  reject(new Error("aborted"));
                });
              }
            });
          }
          if (plan.throws) throw new Error(plan.throws);
          const statuses = plan.statuses ?? ["ok"];
          const status = statuses[Math.min(n - 1, statuses.length - 1)] ?? "ok";
          const samples = Array.from({ length: plan.samples ?? 1 }, (_, i) => ({
            name: "scripted_value",
            value: n,
            labels: { i: String(i) },
          }));
          return { samples, checks: [{ status, message: status === "down" ? `failure ${n}` : undefined }] };
        },
      };
    },
  }),
);

export const testPlugins: Record<string, PluginDefinition> = { probe: probePlugin, scripted: scriptedPlugin };
