"use client";
import { FriendlyError } from "@/components/friendly-error.tsx";

export default function SectionError({ error, retry }: { error: unknown; retry: () => void }) {
  return <FriendlyError error={error} retry={retry} />;
}
