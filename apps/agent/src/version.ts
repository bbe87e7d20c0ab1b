/** The agent's version, sent in register and heartbeat requests. Kept equal to package.json (a test checks). */
export const AGENT_VERSION = "0.1.0";
