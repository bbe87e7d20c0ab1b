import type { Metadata } from "next";
import Link from "next/link";
import { OrgGate } from "@/components/org-gate.tsx";
import { buttonClass } from "@/components/ui/button.tsx";
import { PageHeader } from "@/components/ui/card.tsx";
import { IncidentsPage } from "@/features/incidents/list-page.tsx";

export const metadata: Metadata = { title: "Incidents" };

export default function Incidents() {
  return (
    <>
      <PageHeader
        title="Incidents"
        description="Silent servers, failed checks and probes, newest first."
        actions={
          // the outage log (decision 0044): internet outages and reboots as the agents measured them
          <Link href="/incidents/outages" className={buttonClass("secondary", "sm")}>
            Outage log
          </Link>
        }
      />
      <OrgGate>
        <IncidentsPage />
      </OrgGate>
    </>
  );
}
