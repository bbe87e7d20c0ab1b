import type { Metadata } from "next";
import { Suspense } from "react";
import { OrgGate } from "@/components/org-gate.tsx";
import { LoadingState } from "@/components/ui/states.tsx";
import { ServerDetailView } from "@/features/servers/detail.tsx";

export const metadata: Metadata = { title: "Server" };

/** /servers/detail?id=<uuid>: a query parameter, so the static export has one file for all servers. */
export default function ServerDetailPage() {
  return (
    <OrgGate>
      <Suspense fallback={<LoadingState label="Loading server" />}>
        <ServerDetailView />
      </Suspense>
    </OrgGate>
  );
}
