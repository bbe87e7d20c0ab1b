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
