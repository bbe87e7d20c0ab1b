import type { Metadata } from "next";
import { PlanSettings } from "@/features/settings/plan.tsx";

export const metadata: Metadata = { title: "Plan" };

export default function Page() {
  return <PlanSettings />;
}
