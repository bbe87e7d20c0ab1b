/**
 * The one line that installs and registers the agent: the same base URL serves /install.sh and
 * the API (self-hosted: custos-server; cloud: the configured agent URL). Built by the protocol's
 * builder, which the dashboard also uses, so both show the same command.
 */
export { installCommand } from "@custos/protocol/install";

/**
 * The public base URL: the configured one (dashboardUrl), else the request's origin as the
 * client reached it (X-Forwarded-Proto/Host from a reverse proxy, else the request URL).
 */
export function publicBaseUrl(configured: string | undefined, request: Request): string {
  if (configured) return configured.replace(/\/+$/, "");
  const url = new URL(request.url);
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  const protocol = proto === "http" || proto === "https" ? proto : url.protocol.replace(":", "");
  const safeHost =
    host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : url.host;
  return `${protocol}://${safeHost}`;
}
