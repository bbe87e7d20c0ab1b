"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

/**
 * A link that prefetches its page when the user shows intent (pointer over it, keyboard focus, a
 * touch starting), not when it scrolls into view (decision 0049's addendum). The app shell's
 * links are on screen on every page: Next's viewport prefetch fetched all three sections' route
 * data and processed it on the main thread while a cold page was still waiting to paint. Intent
 * arrives 100–300 ms before the click, which is as much as the prefetch needs.
 */
export function IntentLink({
  href,
  onPointerEnter,
  onFocus,
  onTouchStart,
  ...props
}: ComponentProps<typeof Link> & { href: string }) {
  const router = useRouter();
  const prefetch = () => router.prefetch(href);
  return (
    <Link
      {...props}
      href={href}
      prefetch={false}
      onPointerEnter={(e) => {
        prefetch();
        onPointerEnter?.(e);
      }}
      onFocus={(e) => {
        prefetch();
        onFocus?.(e);
      }}
      onTouchStart={(e) => {
        prefetch();
        onTouchStart?.(e);
      }}
    />
  );
}
