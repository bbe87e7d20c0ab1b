"use client";
import type { ReactNode } from "react";
import { useOrgState } from "@/lib/org.tsx";
import { ErrorState, LoadingState } from "./ui/states.tsx";

/** Renders its children once the signed-in user and organization are known. */
export function OrgGate({ children, fallback }: { children: ReactNode; fallback?: ReactNode }) {
  const state = useOrgState();
  if (state.status === "ready") return <>{children}</>;
  if (state.status === "error") return <ErrorState error={state.error} retry={state.retry} />;
  return <>{fallback ?? <LoadingState />}</>;
}
