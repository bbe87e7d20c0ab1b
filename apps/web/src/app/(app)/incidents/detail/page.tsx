import type { Metadata } from "next";
import { Suspense } from "react";
import { OrgGate } from "@/components/org-gate.tsx";
import { LoadingState } from "@/components/ui/states.tsx";
import { IncidentDetailView } from "@/features/incidents/detail.tsx";

export const metadata: Metadata = { title: "Incident" };

/** /incidents/detail?id=<uuid> (notifications' /incidents/<uuid> links are forwarded here). */
export default function IncidentDetailPage() {
  return (
    <OrgGate>
      <Suspense fallback={<LoadingState label="Loading incident" />}>
        <IncidentDetailView />
      </Suspense>
    </OrgGate>
  );
}
