"use client";
import { FriendlyError } from "@/components/friendly-error.tsx";
import "./globals.css";

export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="font-sans">
        <title>Something went wrong · Custos</title>
        <FriendlyError error={error} retry={retry} full />
      </body>
    </html>
  );
}
