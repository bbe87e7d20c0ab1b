/**
 * One pure request builder per provider, used by the backend's notifiers and the agent's local
 * channels alike (decision 0033): the same content gives the same request on both alert paths.
 */
export * from "./content.ts";
export * from "./discord.ts";
export * from "./gotify.ts";
export * from "./matrix.ts";
export * from "./pagerduty.ts";
export * from "./pushover.ts";
export * from "./sms.ts";
export * from "./teams.ts";
export * from "./telegram.ts";
