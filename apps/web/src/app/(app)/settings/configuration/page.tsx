import type { Metadata } from "next";
import { ConfigurationSettings } from "@/features/settings/configuration.tsx";

export const metadata: Metadata = { title: "Configuration" };

export default function Page() {
  return <ConfigurationSettings />;
}
