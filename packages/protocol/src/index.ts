export * from "./agent.ts";
export * from "./alert-policy.ts";
export * from "./app-metrics.ts";
export * from "./config.ts";
export * from "./dashboard.ts";
export * from "./destinations.ts";
export * from "./duration.ts";
export * from "./primitives.ts";
