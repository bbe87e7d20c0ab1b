import { describe, expect, it } from "vitest";
import { socketProblem } from "./client.ts";

describe("socketProblem", () => {
  it.each([
    [
      "ENOENT",
      true,
      "no Docker socket at /var/run/docker.sock (is Docker installed? set socket: if it lives elsewhere)",
    ],
    [
      "EACCES",
      true,
      "permission denied on /var/run/docker.sock: add the custos user to the docker group (usermod -aG docker custos) and restart the agent",
    ],
    ["ENOTSOCK", true, "/var/run/docker.sock is not a socket (check the socket: option)"],
    ["ECONNREFUSED", false, "Docker engine not running: connection refused on /var/run/docker.sock"],
    ["EPIPE", false, "cannot reach the Docker engine on /var/run/docker.sock: write EPIPE"],
  ] as const)("%s -> unsupported %s", (code, unsupported, message) => {
    expect(socketProblem(code, "/var/run/docker.sock", `write ${code}`)).toEqual({ unsupported, message });
  });
});
