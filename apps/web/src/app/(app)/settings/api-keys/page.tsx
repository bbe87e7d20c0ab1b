import type { Metadata } from "next";
import { ApiKeysSettings } from "@/features/settings/api-keys.tsx";

export const metadata: Metadata = { title: "API keys" };

export default function Page() {
  return <ApiKeysSettings />;
}
