/** Who this agent is when it registers: hostname, /etc/machine-id when readable, OS and arch. */
import { readFileSync } from "node:fs";
import { arch, hostname, release, type } from "node:os";
import type { RegisterRequest } from "@custos/protocol";
import { AGENT_VERSION } from "../version.ts";

function readMachineId(path = "/etc/machine-id"): string | undefined {
  try {
    const id = readFileSync(path, "utf8").trim();
    return /^[A-Za-z0-9-]{8,128}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** PRETTY_NAME from /etc/os-release, else "Linux 6.8.0-45-generic". */
function describeOs(osReleasePath = "/etc/os-release"): string {
  try {
    const text = readFileSync(osReleasePath, "utf8");
    const match = /^PRETTY_NAME=(?:"([^"]*)"|(.*))$/m.exec(text);
    const name = (match?.[1] ?? match?.[2] ?? "").trim();
    if (name) return name.slice(0, 64);
  } catch {
    // not Linux, or no os-release: fall back to the kernel
  }
  return `${type()} ${release()}`.slice(0, 64);
}

export function registrationRequest(serverName: string): RegisterRequest {
  const machineId = readMachineId();
  return {
    hostname: hostname().slice(0, 255) || "unknown",
    server_name: serverName,
    agent_version: AGENT_VERSION,
    os: describeOs(),
    arch: arch(),
    ...(machineId ? { machine_id: machineId } : {}),
  };
}
