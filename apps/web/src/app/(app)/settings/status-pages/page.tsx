import type { Metadata } from "next";
import { StatusPagesSettings } from "@/features/settings/status-pages.tsx";

export const metadata: Metadata = { title: "Status pages" };

export default function Page() {
  return <StatusPagesSettings />;
}
