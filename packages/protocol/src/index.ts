export * from "./agent.ts";
export * from "./duration.ts";
