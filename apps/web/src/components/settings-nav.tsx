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
  { href: "/settings/plan", label: "Plan" },
];

export function SettingsNav() {
  const pathname = usePathname().replace(/\/$/, "");
  return (
    // the tabs wrap onto a second row on a phone: every label stays whole and in view (a row that
    // scrolled sideways cut "Alert rules" to "Al…" at the screen's edge)
    <nav aria-label="Settings" className="mb-5">
      <ul className="flex flex-wrap gap-x-1 border-gray-200 border-b dark:border-gray-800">
        {TABS.map((tab) => {
          const active = pathname === tab.href;
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "-mb-px block whitespace-nowrap border-b-2 px-2.5 py-2 font-medium text-sm sm:px-3",
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
