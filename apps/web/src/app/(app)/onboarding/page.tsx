import type { Metadata } from "next";
import { OrgGate } from "@/components/org-gate.tsx";
import { PageHeader } from "@/components/ui/card.tsx";
import { Onboarding } from "@/features/onboarding/onboarding.tsx";

export const metadata: Metadata = { title: "Add a server" };

export default function OnboardingPage() {
  return (
    <>
      <PageHeader title="Add a server" description="Three steps, about a minute: a key, one command, done." />
      <OrgGate>
        <Onboarding />
      </OrgGate>
    </>
  );
}
