import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { ownUrl } from "../src/public-url.ts";

function nic(address: string, family: "IPv4" | "IPv6", internal = false): NetworkInterfaceInfo {
  const common = { address, netmask: "", mac: "00:00:00:00:00:00", internal, cidr: null };
  return family === "IPv4" ? { ...common, family } : { ...common, family, scopeid: 0 };
}

const lo = [nic("127.0.0.1", "IPv4", true), nic("::1", "IPv6", true)];

describe("custos-server's own URL (links and the suggested CUSTOS_PUBLIC_URL without one)", () => {
  it("names the first non-loopback IPv4 address when listening on every address", () => {
    const url = ownUrl("0.0.0.0", 8080, {
      lo,
      eth0: [nic("fe80::1", "IPv6"), nic("192.0.2.2", "IPv4")],
      eth1: [nic("10.0.0.7", "IPv4")],
    });
    expect(url).toBe("http://192.0.2.2:8080");
  });

  it("falls back to a global IPv6 address, then to the host name", () => {
    expect(ownUrl("::", 80, { lo, eth0: [nic("fe80::1", "IPv6"), nic("2001:db8::5", "IPv6")] })).toBe(
      "http://[2001:db8::5]:80",
    );
    expect(ownUrl("0.0.0.0", 8080, { lo }, "nas")).toBe("http://nas:8080");
  });

  it("names the bind address when custos-server listens on one address only", () => {
    expect(ownUrl("10.0.0.7", 9000, { lo })).toBe("http://10.0.0.7:9000");
    expect(ownUrl("127.0.0.1", 9000, { lo })).toBe("http://127.0.0.1:9000");
    expect(ownUrl("2001:db8::5", 9000, { lo })).toBe("http://[2001:db8::5]:9000");
  });
});
