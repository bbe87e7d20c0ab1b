export * from "./agent.ts";
export * from "./app-metrics.ts";
export * from "./config.ts";
export * from "./dashboard.ts";
export * from "./duration.ts";
export * from "./primitives.ts";
