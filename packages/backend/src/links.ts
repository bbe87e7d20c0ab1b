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
