export * from "./agent.ts";
export * from "./config.ts";
export * from "./dashboard.ts";
export * from "./duration.ts";
