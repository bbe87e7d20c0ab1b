import type { Metadata } from "next";
import { ChannelsSettings } from "@/features/settings/channels.tsx";

export const metadata: Metadata = { title: "Channels" };

export default function Page() {
  return <ChannelsSettings />;
}
