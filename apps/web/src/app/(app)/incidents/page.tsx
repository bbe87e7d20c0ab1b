import type { Metadata } from "next";
import { OrgGate } from "@/components/org-gate.tsx";
import { PageHeader } from "@/components/ui/card.tsx";
import { IncidentsPage } from "@/features/incidents/list-page.tsx";

export const metadata: Metadata = { title: "Incidents" };

export default function Incidents() {
  return (
    <>
      <PageHeader title="Incidents" description="Silent servers, failed checks and probes, newest first." />
      <OrgGate>
        <IncidentsPage />
      </OrgGate>
    </>
  );
}
