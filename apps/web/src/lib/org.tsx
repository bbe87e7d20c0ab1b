"use client";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { Me, OrgRole } from "./contract.ts";

const STORAGE_KEY = "custos.org";

export interface OrgContextValue {
  orgId: string;
  orgName: string;
  role: OrgRole;
  orgs: Me["orgs"];
  user: Me["user"];
  setOrg(orgId: string): void;
}

/** What the shell knows about the current organization while it loads. */
export type OrgState =
  | { status: "loading" }
  | { status: "error"; error: unknown; retry: () => void }
  | { status: "ready"; value: OrgContextValue };

const OrgContext = createContext<OrgState>({ status: "loading" });

/** owner > admin > member > viewer: may a `role` do what needs `needed`? (The backend asks the same.) */
export { roleAtLeast as atLeast } from "@custos/protocol/roles";

/** Which organization to show: the remembered one if still a member, else the first. */
export function pickOrg(orgs: Me["orgs"], remembered: string | null): Me["orgs"][number] | undefined {
  return orgs.find((o) => o.id === remembered) ?? orgs[0];
}

/**
 * The organization shown last in this browser (null on the server or before the first visit):
 * what lib/early-requests.ts asks for while /v1/me is still on its way.
 */
export function rememberedOrgId(): string | null {
  if (typeof window === "undefined") return null;
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage blocked: nothing remembered
  }
}

/** Provides the current organization of `me` (or the loading/error state before it). */
export function OrgProvider({
  me,
  error,
  retry,
  children,
}: {
  me: Me | undefined;
  error: unknown;
  retry: () => void;
  children: ReactNode;
}) {
  // only runs in the browser after auth resolved: reading storage here is safe
  const [remembered, setRemembered] = useState<string | null>(() =>
    typeof window === "undefined" ? null : window.localStorage.getItem(STORAGE_KEY),
  );
  const setOrg = useCallback((orgId: string) => {
    window.localStorage.setItem(STORAGE_KEY, orgId);
    setRemembered(orgId);
  }, []);
  const current = me ? pickOrg(me.orgs, remembered) : undefined;
  // remember the organization shown, so the next visit can ask for its page alongside /v1/me
  useEffect(() => {
    if (current && current.id !== remembered) setOrg(current.id);
  }, [current, remembered, setOrg]);
  const state = useMemo<OrgState>(() => {
    if (me && current) {
      return {
        status: "ready",
        value: {
          orgId: current.id,
          orgName: current.name,
          role: current.role,
          orgs: me.orgs,
          user: me.user,
          setOrg,
        },
      };
    }
    if (error) return { status: "error", error, retry };
    return { status: "loading" };
  }, [me, current, error, retry, setOrg]);
  return <OrgContext.Provider value={state}>{children}</OrgContext.Provider>;
}

export function useOrgState(): OrgState {
  return useContext(OrgContext);
}

/** The current organization; only inside <OrgGate> (which renders children once it is ready). */
export function useOrg(): OrgContextValue {
  const state = useContext(OrgContext);
  if (state.status !== "ready") throw new Error("useOrg outside a ready OrgGate");
  return state.value;
}
