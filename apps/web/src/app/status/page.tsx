import type { Metadata } from "next";
import { Suspense } from "react";
import { LoadingState } from "@/components/ui/states.tsx";
import { PublicStatus } from "@/features/status/public-status.tsx";

export const metadata: Metadata = { title: "Status", robots: { index: true, follow: false } };

/** Public, no sign-in: /status?slug=<slug>. */
export default function StatusPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading status" />}>
      <PublicStatus />
    </Suspense>
  );
}
