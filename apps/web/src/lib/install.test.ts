import { describe, expect, it } from "vitest";
import { installCommand, registerCommand, shellQuote } from "./install.ts";

describe("install command", () => {
  it("fills in the key and the base URL", () => {
    expect(installCommand("http://10.0.0.5:8080/", "cus_abc123")).toBe(
      "curl -sSL http://10.0.0.5:8080/install.sh | sudo bash -s -- --api-key=cus_abc123 --url http://10.0.0.5:8080",
    );
    expect(registerCommand("https://mon.example.com", "cus_abc")).toBe(
      "sudo custos-agent register --url https://mon.example.com --api-key cus_abc",
    );
  });
  it("quotes anything a shell would interpret", () => {
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("$(reboot)")).toBe("'$(reboot)'");
  });
});
