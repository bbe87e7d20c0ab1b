import type { Metadata } from "next";
import { OrgGate } from "@/components/org-gate.tsx";
import { PageHeader } from "@/components/ui/card.tsx";
import { OutageLog } from "@/features/outages/outage-log.tsx";

export const metadata: Metadata = { title: "Outage log" };

export default function Outages() {
  return (
    <>
      <PageHeader
        title="Outage log"
        description="Internet outages and reboots measured by the agents: start, end and duration."
      />
      <OrgGate>
        <OutageLog />
      </OrgGate>
    </>
  );
}
