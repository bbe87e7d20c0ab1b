"use client";
import type { Session, SupabaseClient } from "@supabase/supabase-js";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { setUnauthorizedHandler } from "../api.ts";
import type { RuntimeConfig } from "../config.ts";
import { getSupabase } from "../supabase.ts";

export type AuthState =
  | { status: "loading" }
  | { status: "signed-out"; reason?: "expired" | undefined }
  | { status: "signed-in"; session: Session };

interface AuthContextValue {
  state: AuthState;
  config: RuntimeConfig | undefined;
  signIn(email: string, password: string): Promise<void>;
  signUp(email: string, password: string): Promise<{ needsConfirmation: boolean }>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/** Auth errors from supabase-js, in words for the form. */
export class AuthFailure extends Error {
  override name = "AuthFailure";
}

/** Supabase Auth's error (same codes from custos-server's /auth/v1), in words for the form. */
export function authMessage(error: { message?: string; status?: number; code?: string } | null): string {
  switch (error?.code) {
    case "invalid_credentials":
      return "Wrong email or password.";
    case "user_already_exists":
    case "email_exists":
      return "That email is already registered. Sign in instead.";
    case "weak_password":
      return error?.message || "Choose a longer password.";
    case "email_not_confirmed":
      return "Confirm your email address first: look for the message in your inbox.";
    case "over_request_rate_limit":
      return "Too many attempts. Wait a minute and try again.";
    case "signup_disabled":
      // custos-server's message names CUSTOS_SIGNUPS and what to do; Supabase's is generic
      return error?.message || "Sign-ups are closed here. Ask an administrator for an account.";
    case "otp_expired":
      return "This link has expired or was already used. Ask your administrator for a new one.";
  }
  const status = error?.status ?? 0;
  if (status === 429) return "Too many attempts. Wait a minute and try again.";
  if (status === 0 || /fetch|network/i.test(error?.message ?? ""))
    return "Could not reach the server. Try again.";
  if (status >= 500) return "The server had a problem. Try again in a moment.";
  return error?.message || "Something went wrong. Try again.";
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const [client, setClient] = useState<{ supabase: SupabaseClient; config: RuntimeConfig }>();
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;
    getSupabase()
      .then(async (c) => {
        if (cancelled) return;
        setClient(c);
        const { data } = await c.supabase.auth.getSession();
        if (cancelled) return;
        setState(data.session ? { status: "signed-in", session: data.session } : { status: "signed-out" });
        const sub = c.supabase.auth.onAuthStateChange((_event, session) => {
          setState((prev) =>
            session
              ? { status: "signed-in", session }
              : prev.status === "signed-out"
                ? prev
                : { status: "signed-out" },
          );
        });
        unsubscribe = () => sub.data.subscription.unsubscribe();
      })
      .catch(() => {
        if (!cancelled) setState({ status: "signed-out" });
      });
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, []);

  useEffect(() => {
    // the API said the session is gone (revoked, expired beyond refresh): forget it locally
    setUnauthorizedHandler(() => {
      void client?.supabase.auth.signOut({ scope: "local" });
      queryClient.clear();
      setState({ status: "signed-out", reason: "expired" });
    });
    return () => setUnauthorizedHandler(undefined);
  }, [client, queryClient]);

  const signIn = useCallback(async (email: string, password: string) => {
    const { supabase } = await getSupabase();
    const { data, error } = await supabase.auth.signInWithPassword({ email, password });
    if (error || !data.session) throw new AuthFailure(authMessage(error));
    setState({ status: "signed-in", session: data.session });
  }, []);

  const signUp = useCallback(async (email: string, password: string) => {
    const { supabase } = await getSupabase();
    const { data, error } = await supabase.auth.signUp({ email, password });
    if (error) throw new AuthFailure(authMessage(error));
    if (data.session) {
      setState({ status: "signed-in", session: data.session });
      return { needsConfirmation: false };
    }
    // a project with email confirmation on answers without a session
    return { needsConfirmation: true };
  }, []);

  const signOut = useCallback(async () => {
    const { supabase } = await getSupabase();
    try {
      await supabase.auth.signOut();
    } catch {
      await supabase.auth.signOut({ scope: "local" });
    }
    queryClient.clear();
    setState({ status: "signed-out" });
  }, [queryClient]);

  const value = useMemo(
    () => ({ state, config: client?.config, signIn, signUp, signOut }),
    [state, client, signIn, signUp, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
