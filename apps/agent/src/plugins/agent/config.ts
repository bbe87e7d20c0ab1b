import { z } from "zod";

/** The agent monitor has no options. */
export const AgentMonitorConfig = z.strictObject({});
export type AgentMonitorConfig = z.infer<typeof AgentMonitorConfig>;
