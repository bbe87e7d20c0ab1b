import { describe, expect, it } from "vitest";
import { AS_ROOT, installCommand, isLoopbackUrl, registerCommand, shellQuote } from "./install.ts";

describe("install command", () => {
  it("downloads with -f (an HTTP error fails curl, nothing is piped to bash) and runs bash as root", () => {
    expect(installCommand("http://10.0.0.5:8080/", "cus_abc123")).toBe(
      `curl -fsSL http://10.0.0.5:8080/install.sh | ${AS_ROOT} bash -s -- --api-key=cus_abc123 --url http://10.0.0.5:8080`,
    );
    expect(AS_ROOT).toBe(`$([ "$(id -u)" -eq 0 ] || echo sudo)`);
  });

  it("registers an installed agent with the same root rule", () => {
    expect(registerCommand("https://mon.example.com/", "cus_abc")).toBe(
      `${AS_ROOT} custos-agent register --url https://mon.example.com --api-key cus_abc`,
    );
  });

  it("quotes a key or URL a shell would interpret", () => {
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("$(reboot)")).toBe("'$(reboot)'");
    expect(installCommand("http://h:1/a b", "k;rm")).toBe(
      `curl -fsSL 'http://h:1/a b/install.sh' | ${AS_ROOT} bash -s -- --api-key='k;rm' --url 'http://h:1/a b'`,
    );
  });
});

describe("loopback URLs", () => {
  it.each([
    "http://localhost:8080",
    "http://LOCALHOST",
    "http://app.localhost:3000",
    "http://127.0.0.1:8080",
    "http://127.8.9.10",
    "http://[::1]:8080",
    "http://[::ffff:127.0.0.1]:8080",
    "http://0.0.0.0:8080",
    "not a url",
  ])("%s only works on this machine", (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });

  it.each([
    "http://192.0.2.2:8080",
    "https://monitor.example.org",
    "http://[2001:db8::1]:8080",
    "http://128.0.0.1",
    "http://localhost.example.org",
  ])("%s reaches this server from elsewhere", (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
});
