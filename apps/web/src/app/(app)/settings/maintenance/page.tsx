import type { Metadata } from "next";
import { MaintenanceSettings } from "@/features/settings/maintenance.tsx";

export const metadata: Metadata = { title: "Maintenance" };

export default function Page() {
  return <MaintenanceSettings />;
}
