import { hostname, type NetworkInterfaceInfo, networkInterfaces } from "node:os";

const WILDCARD = new Set(["0.0.0.0", "::", "[::]", ""]);

/**
 * The URL other machines most likely reach this custos-server at, for links in notifications and
 * invitations and as the suggested CUSTOS_PUBLIC_URL when none is set (the scheduler has no
 * request to take an origin from). Bound to one address: that address. Bound to all: the first
 * non-internal IPv4 address, else a global IPv6 address, else the host name. A guess (a machine
 * may have several networks), which is why start-up logs it with how to change it.
 */
export function ownUrl(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
  name: string = hostname(),
): string {
  if (!WILDCARD.has(host)) return `http://${bracket(host)}:${port}`;
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const v4 = all.find((a) => a.family === "IPv4" && !a.internal);
  if (v4) return `http://${v4.address}:${port}`;
  // link-local (fe80::/10) addresses need a zone and do not cross routers
  const v6 = all.find((a) => a.family === "IPv6" && !a.internal && !/^fe[89ab]/i.test(a.address));
  if (v6) return `http://[${v6.address}]:${port}`;
  return `http://${name}:${port}`;
}

function bracket(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
