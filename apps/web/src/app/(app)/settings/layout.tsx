import type { ReactNode } from "react";
import { OrgGate } from "@/components/org-gate.tsx";
import { SettingsNav } from "@/components/settings-nav.tsx";
import { PageHeader } from "@/components/ui/card.tsx";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader title="Settings" />
      <SettingsNav />
      <OrgGate>{children}</OrgGate>
    </>
  );
}
