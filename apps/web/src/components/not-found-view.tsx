"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { buttonClass } from "@/components/ui/button.tsx";
import { legacyTarget } from "@/lib/legacy-links.ts";
import { Logo } from "./logo.tsx";

export function NotFoundView() {
  const router = useRouter();
  const [forwarding, setForwarding] = useState(false);
  useEffect(() => {
    const target = legacyTarget(window.location.pathname);
    if (target) {
      setForwarding(true);
      router.replace(target);
    }
  }, [router]);
  if (forwarding) return <p className="p-8 text-center text-gray-500 text-sm">Opening…</p>;
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 px-4 text-center">
      <Logo className="size-10" />
      <h1 className="font-semibold text-2xl">Page not found</h1>
      <p className="max-w-sm text-gray-500 text-sm dark:text-gray-400">
        The address may be mistyped, or the page moved. Your servers are one click away.
      </p>
      <Link href="/servers" className={buttonClass("primary")}>
        Go to servers
      </Link>
    </main>
  );
}
