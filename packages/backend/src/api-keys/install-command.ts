/**
 * The one line that installs and registers the agent. Self-hosted, one base URL serves
 * /install.sh, /downloads/ and the API (custos-server). In the cloud the agents register with the
 * configured agent URL (the Supabase project), which serves no files: install.sh and the binaries
 * are published with the static dashboard (scripts/publish-agent-downloads.mjs), see
 * `installFilesUrl`. Built by the protocol's builder, which the dashboard also uses, so both show
 * the same command.
 */
import { installCommand } from "@custos/protocol/install";
import type { BackendConfig } from "../context.ts";
import { dashboardElsewhere } from "../links.ts";

export { installCommand };

/**
 * Where install.sh and downloads/ are served when that is not the API: the dashboard's static
 * host in the cloud (links.ts dashboardElsewhere); undefined where the API's origin serves them.
 */
export const installFilesUrl = (config: Pick<BackendConfig, "agentUrl" | "dashboardUrl">) =>
  dashboardElsewhere(config);

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

/**
 * The install command for a new key, as the dashboard shows it once. Agents talk to the API,
 * which in the cloud is not where the dashboard is hosted; install.sh and the binaries are, there
 * (published with it).
 */
export function installCommandFor(
  config: Pick<BackendConfig, "agentUrl" | "dashboardUrl">,
  request: Request,
  key: string,
): string {
  const baseUrl = publicBaseUrl(config.agentUrl ?? config.dashboardUrl, request);
  return installCommand(baseUrl, key, { filesUrl: installFilesUrl(config) });
}
