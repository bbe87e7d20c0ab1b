import type { Metadata } from "next";
import { GeneralSettings } from "@/features/settings/general.tsx";

export const metadata: Metadata = { title: "Settings" };

export default function Page() {
  return <GeneralSettings />;
}
