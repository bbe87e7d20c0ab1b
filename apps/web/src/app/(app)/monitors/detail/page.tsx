import type { Metadata } from "next";
import { Suspense } from "react";
import { OrgGate } from "@/components/org-gate.tsx";
import { LoadingState } from "@/components/ui/states.tsx";
import { MonitorDetailView } from "@/features/monitors/detail.tsx";

export const metadata: Metadata = { title: "Monitor" };

/** /monitors/detail?id=<uuid>: a probe or an agent monitor; one static file for all of them. */
export default function MonitorDetailPage() {
  return (
    <OrgGate>
      <Suspense fallback={<LoadingState label="Loading monitor" />}>
        <MonitorDetailView />
      </Suspense>
    </OrgGate>
  );
}
