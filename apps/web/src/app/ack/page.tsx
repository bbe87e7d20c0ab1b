import type { Metadata } from "next";
import { AcknowledgeLink } from "@/features/ack/acknowledge-link.tsx";

export const metadata: Metadata = { title: "Acknowledge", robots: { index: false, follow: false } };

/** Public, no sign-in: /ack#<token>, where a notification's acknowledge link leads in the cloud. */
export default function AckPage() {
  return <AcknowledgeLink />;
}
