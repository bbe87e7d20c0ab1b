/** Options of the `agent` monitor (the agent plugin apps/agent/src/plugins/agent/; its README has a sample). */
import { z } from "zod";

/** The agent monitor has no options. */
export const AgentMonitorOptions = z.strictObject({});
export type AgentMonitorOptions = z.infer<typeof AgentMonitorOptions>;
