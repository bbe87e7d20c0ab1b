import { describe, expect, it } from "vitest";
import { installCommand, registerCommand } from "./install.ts";

describe("install command", () => {
  it("is the API's builder: curl -f, sudo only when not root, the key and base URL filled in", () => {
    expect(installCommand("http://10.0.0.5:8080/", "cus_abc123")).toBe(
      `curl -fsSL http://10.0.0.5:8080/install.sh | $([ "$(id -u)" -eq 0 ] || echo sudo) bash -s -- --api-key=cus_abc123 --url http://10.0.0.5:8080`,
    );
    expect(registerCommand("https://mon.example.com", "cus_abc")).toBe(
      `$([ "$(id -u)" -eq 0 ] || echo sudo) custos-agent register --url https://mon.example.com --api-key cus_abc`,
    );
  });
});
