import type { QueryClient } from "@tanstack/react-query";
import { loadConfig } from "./config.ts";
import { rememberedOrgId } from "./org.tsx";
import { incidentQuery, meQuery, monitorQuery, serverQuery } from "./queries.ts";
import { getSupabase, SESSION_STORAGE_KEY } from "./supabase.ts";

type PagePrefetch = (
  client: QueryClient,
  orgId: string,
  id: string,
  token: string | undefined,
) => Promise<void>;

/** The detail pages whose own request (by `?id=`) is started before React has rendered them. */
const PAGE_DATA: Record<string, PagePrefetch> = {
  "/servers/detail": (client, orgId, id, token) => client.prefetchQuery(serverQuery(orgId, id, token)),
  "/monitors/detail": (client, orgId, id, token) => client.prefetchQuery(monitorQuery(orgId, id, token)),
  "/incidents/detail": (client, orgId, id, token) => client.prefetchQuery(incidentQuery(orgId, id, token)),
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

/** A stored token this close to its expiry is left to supabase-js, which refreshes it first. */
const EXPIRY_MARGIN_S = 60;

/**
 * Pure: the access token of the session supabase-js stored (its JSON under SESSION_STORAGE_KEY),
 * if it is still valid for a minute by this clock; undefined for none, garbage or a token due.
 */
export function storedAccessToken(stored: string | null, nowMs: number): string | undefined {
  if (!stored) return undefined;
  let session: unknown;
  try {
    session = JSON.parse(stored);
  } catch {
    return undefined;
  }
  if (typeof session !== "object" || session === null) return undefined;
  const { access_token: token, expires_at: expiresAt } = session as Record<string, unknown>;
  if (typeof token !== "string" || token === "" || typeof expiresAt !== "number") return undefined;
  return expiresAt - EXPIRY_MARGIN_S > nowMs / 1000 ? token : undefined;
}

function readStoredToken(): string | undefined {
  try {
    return storedAccessToken(window.localStorage.getItem(SESSION_STORAGE_KEY), Date.now());
  } catch {
    return undefined; // storage blocked
  }
}

/**
 * Issue 17 (decision 0049): on a cold load a page's own request used to wait for hydration, then
 * /config.json, supabase-js, the stored session, the shell's render, /v1/me and the page's render,
 * one after another. Called once when the app's modules load in the browser, this starts /v1/me
 * and the page's request (for the organization shown last) side by side as soon as /config.json
 * is in, with the stored session's token (or, when that is missing or due, once supabase-js has
 * the session, refreshed). The answers only fill the query cache under the keys the pages use:
 * the pages still render inside the shell's organization gate, nothing is asked without a
 * session, and the API checks the token and membership of every request (a stale remembered
 * organization costs one refused request; the page then asks for the one /v1/me names).
 */
export function startEarlyRequests(client: QueryClient): void {
  if (!isAppPath(window.location.pathname)) return;
  const start = (token: string | undefined) => {
    void client.prefetchQuery(meQuery(token));
    const page = pageDataFor(window.location.pathname, window.location.search);
    const orgId = rememberedOrgId();
    if (page && orgId) void page.prefetch(client, orgId, page.id, token);
  };
  const token = readStoredToken();
  if (token) {
    start(token);
    // supabase-js (the auth state) right after: its chunk then arrives while the API answers,
    // instead of being fetched by the auth provider after hydration and evaluated when the
    // answers are in (this continuation runs after the requests' own, so they go out first)
    void loadConfig()
      .then(() => getSupabase())
      .catch(() => undefined);
    return;
  }
  void getSupabase()
    .then(async ({ supabase }) => {
      const { data } = await supabase.auth.getSession();
      if (data.session) start(undefined);
    })
    .catch(() => undefined); // the auth provider reports a failed start-up itself
}
