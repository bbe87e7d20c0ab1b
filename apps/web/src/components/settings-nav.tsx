"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "./ui/cx.ts";

const TABS = [
  { href: "/settings", label: "General" },
  { href: "/settings/members", label: "Members" },
  { href: "/settings/api-keys", label: "API keys" },
  { href: "/settings/channels", label: "Channels" },
  { href: "/settings/alerts", label: "Alert rules" },
  { href: "/settings/probes", label: "Probes" },
  { href: "/settings/configuration", label: "Configuration" },
  { href: "/settings/maintenance", label: "Maintenance" },
  { href: "/settings/status-pages", label: "Status pages" },
];

export function SettingsNav() {
  const pathname = usePathname().replace(/\/$/, "");
  return (
    <nav aria-label="Settings" className="-mx-4 mb-5 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1 border-gray-200 border-b dark:border-gray-800">
        {TABS.map((tab) => {
          const active = pathname === tab.href;
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "-mb-px block border-b-2 px-3 py-2 font-medium text-sm",
                  active
                    ? "border-blue-600 text-blue-700 dark:border-blue-400 dark:text-blue-300"
                    : "border-transparent text-gray-600 hover:text-gray-900 dark:text-gray-400 dark:hover:text-gray-100",
                )}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
