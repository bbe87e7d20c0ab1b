"use client";
import { useEffect, useState } from "react";
import { type InstanceSettings, loadInstanceSettings } from "@/lib/auth/instance.ts";
import { getSupabase } from "@/lib/supabase.ts";

/** `loading` until /auth/v1/settings answered; undefined settings mean "behave as always". */
export function useInstanceSettings():
  | { status: "loading" }
  | { status: "ready"; settings: InstanceSettings | undefined } {
  const [state, setState] = useState<
    { status: "loading" } | { status: "ready"; settings: InstanceSettings | undefined }
  >({ status: "loading" });
  useEffect(() => {
    let cancelled = false;
    getSupabase()
      .then(({ config }) => loadInstanceSettings(config.supabaseUrl, config.anonKey))
      .catch(() => undefined)
      .then((settings) => {
        if (!cancelled) setState({ status: "ready", settings });
      });
    return () => {
      cancelled = true;
    };
  }, []);
  return state;
}
