"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useAuth } from "@/lib/auth/auth-provider.tsx";
import { Logo } from "./logo.tsx";

/** `/`: the servers overview when signed in, else sign-in. */
export function HomeRedirect() {
  const { state } = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (state.status === "signed-in") router.replace("/servers");
    else if (state.status === "signed-out") router.replace("/sign-in");
  }, [state.status, router]);
  return (
    <main className="flex min-h-dvh items-center justify-center" aria-busy="true">
      <Logo className="size-10 animate-pulse" />
      <span className="sr-only">Loading Custos…</span>
    </main>
  );
}
