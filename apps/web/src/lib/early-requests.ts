import type { QueryClient } from "@tanstack/react-query";
import { rememberedOrgId } from "./org.tsx";
import { incidentQuery, meQuery, monitorQuery, serverQuery } from "./queries.ts";
import { getSupabase } from "./supabase.ts";

type PagePrefetch = (client: QueryClient, orgId: string, id: string) => Promise<void>;

/** The detail pages whose own request (by `?id=`) is started before React has rendered them. */
const PAGE_DATA: Record<string, PagePrefetch> = {
  "/servers/detail": (client, orgId, id) => client.prefetchQuery(serverQuery(orgId, id)),
  "/monitors/detail": (client, orgId, id) => client.prefetchQuery(monitorQuery(orgId, id)),
  "/incidents/detail": (client, orgId, id) => client.prefetchQuery(incidentQuery(orgId, id)),
};

/** The signed-in app's sections (app/(app)/): where the shell asks for /v1/me anyway. */
const APP_SECTIONS = ["/servers", "/monitors", "/incidents", "/settings", "/onboarding", "/invite"];

/** Pure: whether a path is a page of the signed-in app (not sign-in, a status page, /ack). */
export function isAppPath(pathname: string): boolean {
  return APP_SECTIONS.some((s) => pathname === s || pathname.startsWith(`${s}/`));
}

/** Pure: which page-data prefetch a location asks for, if any (trailing slash ignored). */
export function pageDataFor(
  pathname: string,
  search: string,
): { prefetch: PagePrefetch; id: string } | undefined {
  const prefetch = PAGE_DATA[pathname.replace(/\/+$/, "")];
  const id = new URLSearchParams(search).get("id") ?? "";
  return prefetch && id ? { prefetch, id } : undefined;
}

/**
 * Issue 17 (decision 0049): on a cold load a page's own request used to wait for hydration, then
 * /config.json, the stored session, the shell's render, /v1/me and the page's render, one after
 * another. Called once when the app's modules load in the browser, this reads the config and the
 * stored session at once and, with a session, starts /v1/me and the page's request (for the
 * organization shown last) side by side. The answers only fill the query cache under the keys the
 * pages use: the pages still render inside the shell's auth and organization gates, nothing is
 * asked without a session, and the API checks the token and membership of every request (a
 * stale remembered organization costs one refused request; the page then asks for the one
 * /v1/me names).
 */
export function startEarlyRequests(client: QueryClient): void {
  void getSupabase()
    .then(async ({ supabase }) => {
      if (!isAppPath(window.location.pathname)) return;
      const { data } = await supabase.auth.getSession();
      if (!data.session) return;
      void client.prefetchQuery(meQuery());
      const page = pageDataFor(window.location.pathname, window.location.search);
      const orgId = rememberedOrgId();
      if (page && orgId) void page.prefetch(client, orgId, page.id);
    })
    .catch(() => undefined); // the auth provider reports a failed start-up itself
}
