import type { Metadata } from "next";
import { ProbesSettings } from "@/features/settings/probes.tsx";

export const metadata: Metadata = { title: "Probes" };

export default function Page() {
  return <ProbesSettings />;
}
