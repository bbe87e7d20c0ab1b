import type { Metadata } from "next";
import { AlertRulesSettings } from "@/features/settings/alert-rules.tsx";

export const metadata: Metadata = { title: "Alert rules" };

export default function Page() {
  return <AlertRulesSettings />;
}
