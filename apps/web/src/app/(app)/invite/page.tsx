import type { Metadata } from "next";
import { Suspense } from "react";
import { AcceptInvite } from "@/features/onboarding/accept-invite.tsx";

export const metadata: Metadata = { title: "Invitation" };

export default function InvitePage() {
  return (
    <Suspense>
      <AcceptInvite />
    </Suspense>
  );
}
