import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/logo.tsx";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 py-10">
      <Link href="/" className="mb-6 flex items-center gap-2 font-semibold text-lg" aria-label="Custos home">
        <Logo />
        Custos
      </Link>
      <div className="w-full max-w-sm rounded-xl border border-gray-200 bg-white p-6 shadow-sm dark:border-gray-800 dark:bg-gray-900">
        {children}
      </div>
    </main>
  );
}
