import { z } from "zod";

/** The only place custos-server reads its environment. A bad value stops start-up, naming it. */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  CUSTOS_DATA_DIR: z.string().min(1).default(".custos"),
  CUSTOS_AGENT_RATE_LIMIT: z.coerce.number().positive().max(1_000_000).default(200),
  CUSTOS_API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  CUSTOS_DB_POOL: z.coerce.number().int().min(1).max(200).default(20),
  CUSTOS_SCHEDULER: z.enum(["on", "off"]).default("on"),
  CUSTOS_LOG: z.enum(["info", "warn", "error", "silent"]).default("info"),
});
export type Env = z.infer<typeof Env>;

export class EnvError extends Error {}

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  // empty strings mean "unset" (e.g. `PORT= custos-server`)
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = Env.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  throw new EnvError(`invalid environment:\n${lines.join("\n")}`);
}
