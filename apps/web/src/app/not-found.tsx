import type { Metadata } from "next";
import { NotFoundView } from "@/components/not-found-view.tsx";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return <NotFoundView />;
}
