import type { Metadata } from "next";
import Link from "next/link";
import { OrgGate } from "@/components/org-gate.tsx";
import { buttonClass } from "@/components/ui/button.tsx";
import { PageHeader } from "@/components/ui/card.tsx";
import { ServersOverview } from "@/features/servers/overview.tsx";

export const metadata: Metadata = { title: "Servers" };

export default function ServersPage() {
  return (
    <>
      <PageHeader
        title="Servers"
        description="Every server's status, last heartbeat and current load."
        actions={
          <Link href="/onboarding" className={buttonClass("primary")}>
            Add server
          </Link>
        }
      />
      <OrgGate>
        <ServersOverview />
      </OrgGate>
    </>
  );
}
