import { describe, expect, it } from "vitest";
import {
  AS_ROOT,
  INSTALL_URL,
  installCommand,
  isLoopbackUrl,
  registerCommand,
  shellQuote,
} from "./install.ts";

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

describe("install command with the files elsewhere (the cloud: a static host)", () => {
  it("downloads install.sh from the files URL, registers with the API, and names --downloads", () => {
    expect(
      installCommand("https://abc.supabase.co/", "cus_abc123", { filesUrl: "https://custos.example.com/" }),
    ).toBe(
      `curl -fsSL https://custos.example.com/install.sh | ${AS_ROOT} bash -s -- --api-key=cus_abc123 --url https://abc.supabase.co --downloads https://custos.example.com/downloads`,
    );
  });

  it("keeps a path of the files URL", () => {
    expect(installCommand("https://abc.supabase.co", "k", { filesUrl: "https://example.com/custos//" })).toBe(
      `curl -fsSL https://example.com/custos/install.sh | ${AS_ROOT} bash -s -- --api-key=k --url https://abc.supabase.co --downloads https://example.com/custos/downloads`,
    );
  });

  it("is the self-hosted command when the files URL is absent, empty or the API's own", () => {
    const plain = installCommand("http://10.0.0.5:8080", "cus_abc123");
    expect(installCommand("http://10.0.0.5:8080", "cus_abc123", {})).toBe(plain);
    expect(installCommand("http://10.0.0.5:8080", "cus_abc123", { filesUrl: undefined })).toBe(plain);
    expect(installCommand("http://10.0.0.5:8080", "cus_abc123", { filesUrl: "" })).toBe(plain);
    expect(installCommand("http://10.0.0.5:8080", "cus_abc123", { filesUrl: "http://10.0.0.5:8080/" })).toBe(
      plain,
    );
    expect(plain).not.toContain("--downloads");
  });

  it("quotes a files URL a shell would interpret", () => {
    expect(installCommand("https://p.supabase.co", "k", { filesUrl: "https://x/$(reboot)'; rm -rf ~" })).toBe(
      `curl -fsSL 'https://x/$(reboot)'\\''; rm -rf ~/install.sh' | ${AS_ROOT} bash -s -- --api-key=k --url https://p.supabase.co --downloads 'https://x/$(reboot)'\\''; rm -rf ~/downloads'`,
    );
    expect(installCommand("https://p.supabase.co", "k", { filesUrl: "https://a b" })).toContain(
      "--downloads 'https://a b/downloads'",
    );
  });
});

describe("URLs install.sh accepts", () => {
  it.each([
    "https://abc.supabase.co",
    "http://127.0.0.1:8080",
    "http://[2001:db8::1]:8080/custos",
    "https://example.com/a/b_c~d%20",
  ])("%s", (url) => {
    expect(INSTALL_URL.test(url)).toBe(true);
  });

  it.each([
    "ftp://example.com",
    "https://example.com/$(id)",
    "https://a'b",
    "https://example.com/a b",
    "https://user@example.com",
    "https://example.com?x=1",
    "https://example.com#x",
    "https://example.com\nrm -rf /",
    "example.com",
  ])("not %s", (url) => {
    expect(INSTALL_URL.test(url)).toBe(false);
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
