import type { BackendConfig } from "./context.ts";

/**
 * The base of links that leave the dashboard (notifications, invitations): the configured public
 * URL, else custos-server's own address. Undefined only in the cloud without CUSTOS_PUBLIC_URL,
 * where the function cannot know where the dashboard is hosted.
 */
export function dashboardLinkBase(
  config: Pick<BackendConfig, "dashboardUrl" | "fallbackDashboardUrl">,
): string | undefined {
  const base = config.dashboardUrl ?? config.fallbackDashboardUrl;
  return base?.replace(/\/+$/, "");
}

/**
 * An acknowledge link: the API's own route, `<api origin>/functions/v1/api/ack/<token>`. The API
 * is served at the agents' URL in the cloud (the Supabase project; the dashboard is hosted
 * elsewhere) and at the dashboard's origin in custos-server. Undefined when neither is known: the
 * page then goes out without the link, and no token is made.
 */
export function ackLinkBase(
  config: Pick<BackendConfig, "agentUrl" | "dashboardUrl" | "fallbackDashboardUrl">,
): string | undefined {
  const origin = config.agentUrl?.replace(/\/+$/, "") ?? dashboardLinkBase(config);
  return origin ? `${origin}/functions/v1/api/ack/` : undefined;
}

/**
 * The dashboard's URL when agents reach the API at another origin (the cloud: agentUrl is the
 * Supabase project, dashboardUrl the static host, CUSTOS_PUBLIC_URL); undefined self-hosted (no
 * agentUrl), when either is missing or when they share an origin. Where the cloud serves what
 * the API cannot: the acknowledge confirmation page, install.sh and the agent binaries.
 */
export function dashboardElsewhere(
  config: Pick<BackendConfig, "agentUrl" | "dashboardUrl">,
): string | undefined {
  const { agentUrl, dashboardUrl } = config;
  if (!agentUrl || !dashboardUrl) return undefined;
  try {
    if (new URL(agentUrl).origin === new URL(dashboardUrl).origin) return undefined;
  } catch {
    return undefined;
  }
  return dashboardUrl.replace(/\/+$/, "");
}
