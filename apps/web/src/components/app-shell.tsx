"use client";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect, useState } from "react";
import { useAuth } from "@/lib/auth/auth-provider.tsx";
import { OrgProvider, useOrgState } from "@/lib/org.tsx";
import { useCreateOrg, useMe, useSummary } from "@/lib/queries.ts";
import { staleSweepNotice } from "@/lib/schedule.ts";
import { IntentLink } from "./intent-link.tsx";
import { Logo } from "./logo.tsx";
import { Button } from "./ui/button.tsx";
import { cx } from "./ui/cx.ts";
import { TextField } from "./ui/field.tsx";
import { MutationNote } from "./ui/states.tsx";

const NAV = [
  { href: "/servers", label: "Servers", icon: "M4 5h16v5H4zM4 14h16v5H4zM7 7.5h.01M7 16.5h.01" },
  { href: "/incidents", label: "Incidents", icon: "M12 3l9 16H3zM12 10v4M12 17h.01" },
  {
    href: "/settings",
    label: "Settings",
    icon: "M12 15a3 3 0 100-6 3 3 0 000 6zM19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-1.8-.3 1.7 1.7 0 00-1 1.5V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-1.1-1.5 1.7 1.7 0 00-1.8.3l-.1.1a2 2 0 11-2.8-2.8l.1-.1a1.7 1.7 0 00.3-1.8 1.7 1.7 0 00-1.5-1H3a2 2 0 110-4h.1a1.7 1.7 0 001.5-1.1 1.7 1.7 0 00-.3-1.8l-.1-.1a2 2 0 112.8-2.8l.1.1a1.7 1.7 0 001.8.3H9a1.7 1.7 0 001-1.5V3a2 2 0 114 0v.1a1.7 1.7 0 001 1.5 1.7 1.7 0 001.8-.3l.1-.1a2 2 0 112.8 2.8l-.1.1a1.7 1.7 0 00-.3 1.8V9a1.7 1.7 0 001.5 1H21a2 2 0 110 4h-.1a1.7 1.7 0 00-1.5 1z",
  },
] as const;

function isActive(pathname: string, href: string) {
  return pathname === href || pathname.startsWith(`${href}/`);
}

type NavItem = (typeof NAV)[number];

/** A main section's link, marked as the current page on that section's pages. */
function SectionLink({
  item,
  pathname,
  className,
  current,
  other,
  children,
}: {
  item: NavItem;
  pathname: string;
  className: string;
  current: string;
  other: string;
  children: ReactNode;
}) {
  const active = isActive(pathname, item.href);
  return (
    <IntentLink
      href={item.href}
      aria-current={active ? "page" : undefined}
      className={cx(className, active ? current : other)}
    >
      {children}
    </IntentLink>
  );
}

/** A section's name, with the open-incident count on Incidents. */
function SectionLabel({ item }: { item: NavItem }) {
  return (
    <>
      {item.label}
      {item.href === "/incidents" ? <IncidentCount /> : null}
    </>
  );
}

function NavIcon({ d }: { d: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      aria-hidden="true"
      className="size-5"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={d} />
    </svg>
  );
}

/** Open-incident count next to "Incidents" (from the small summary endpoint). */
function IncidentCount() {
  const state = useOrgState();
  const orgId = state.status === "ready" ? state.value.orgId : "";
  const summary = useSummary(orgId).data;
  const n = summary?.incidents.unacknowledged ?? 0;
  if (n === 0) return null;
  return (
    <span className="ml-1 rounded-full bg-red-600 px-1.5 py-px font-semibold text-[11px] text-white tabular-nums">
      {n}
      <span className="sr-only"> unacknowledged</span>
    </span>
  );
}

/**
 * Alerting's sweep has stopped (the summary's `schedule`): said above every page, since the
 * deployment otherwise looks exactly like a quiet one. Gone at the next refetch once it runs.
 */
function ScheduleBanner() {
  const state = useOrgState();
  const orgId = state.status === "ready" ? state.value.orgId : "";
  const summary = useSummary(orgId).data;
  const notice = staleSweepNotice(summary?.schedule, Date.now());
  if (!notice) return null;
  return (
    <div
      role="status"
      className="mb-4 rounded-lg bg-amber-50 p-3 text-amber-900 text-sm dark:bg-amber-500/10 dark:text-amber-200"
    >
      <p className="font-medium">{notice}</p>
      <p className="mt-1">
        Cloud: see <code className="font-mono">docs/deploy-supabase.md</code>, &lsquo;Check it worked&rsquo;.
      </p>
    </div>
  );
}

function OrgSwitcher() {
  const state = useOrgState();
  if (state.status !== "ready")
    return <span className="h-5 w-28 animate-pulse rounded bg-gray-200 dark:bg-gray-800" />;
  const { orgs, orgId, setOrg, orgName } = state.value;
  if (orgs.length < 2) {
    return <span className="max-w-[12rem] truncate text-gray-600 text-sm dark:text-gray-300">{orgName}</span>;
  }
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="sr-only">Organization</span>
      <select
        value={orgId}
        onChange={(e) => setOrg(e.target.value)}
        className="max-w-[12rem] truncate rounded-md border border-gray-300 bg-white px-2 py-1 text-sm dark:border-gray-700 dark:bg-gray-900"
      >
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function UserMenu() {
  const { signOut } = useAuth();
  const state = useOrgState();
  const [busy, setBusy] = useState(false);
  const router = useRouter();
  return (
    <div className="flex items-center gap-2">
      {state.status === "ready" ? (
        <span className="hidden max-w-[14rem] truncate text-gray-500 text-sm lg:inline dark:text-gray-400">
          {state.value.user.email}
        </span>
      ) : null}
      <Button
        variant="ghost"
        size="sm"
        loading={busy}
        onClick={async () => {
          setBusy(true);
          await signOut();
          router.replace("/sign-in");
        }}
      >
        Sign out
      </Button>
    </div>
  );
}

function Chrome({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  return (
    <div className="min-h-dvh pb-20 sm:pb-0">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-gray-200 border-b bg-white/90 backdrop-blur dark:border-gray-800 dark:bg-gray-950/90">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-4 px-4 sm:px-6">
          <IntentLink
            href="/servers"
            className="flex items-center gap-2 font-semibold"
            aria-label="Custos, servers overview"
          >
            <Logo />
            <span className="hidden sm:inline">Custos</span>
          </IntentLink>
          <OrgSwitcher />
          <nav aria-label="Main" className="ml-2 hidden items-center gap-1 sm:flex">
            {NAV.map((item) => (
              <SectionLink
                key={item.href}
                item={item}
                pathname={pathname}
                className="flex items-center rounded-md px-3 py-1.5 font-medium text-sm"
                current="bg-gray-100 text-gray-900 dark:bg-gray-800 dark:text-white"
                other="text-gray-600 hover:text-gray-900 dark:text-gray-400 dark:hover:text-white"
              >
                <SectionLabel item={item} />
              </SectionLink>
            ))}
          </nav>
          <div className="ml-auto">
            <UserMenu />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        <ScheduleBanner />
        {children}
      </main>
      {/* phones: the main sections as a bottom tab bar, within thumb reach */}
      <nav
        aria-label="Main"
        className="fixed inset-x-0 bottom-0 z-30 flex border-gray-200 border-t bg-white pb-[env(safe-area-inset-bottom)] sm:hidden dark:border-gray-800 dark:bg-gray-950"
      >
        {NAV.map((item) => (
          <SectionLink
            key={item.href}
            item={item}
            pathname={pathname}
            className="flex flex-1 flex-col items-center gap-0.5 py-2 font-medium text-xs"
            current="text-blue-600 dark:text-blue-400"
            other="text-gray-500 dark:text-gray-400"
          >
            <NavIcon d={item.icon} />
            <span className="flex items-center">
              <SectionLabel item={item} />
            </span>
          </SectionLink>
        ))}
      </nav>
    </div>
  );
}

/** A user in no organization (left them all): start a new one. */
function NoOrganization() {
  const create = useCreateOrg();
  const [name, setName] = useState("");
  return (
    <div className="mx-auto max-w-md py-10">
      <h1 className="font-semibold text-xl">Create an organization</h1>
      <p className="mt-1 text-gray-500 text-sm dark:text-gray-400">
        You are not a member of any organization. Create one, or ask a teammate for an invitation.
      </p>
      <form
        className="mt-4 space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(name.trim());
        }}
      >
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={200}
        />
        <MutationNote error={create.error} />
        <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
          Create organization
        </Button>
      </form>
    </div>
  );
}

/**
 * Everything behind sign-in. The chrome (header, navigation) renders at once, also in the static
 * HTML, so the page is painted before any request; the page body waits for auth and `me`.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const router = useRouter();
  const pathname = usePathname();
  const signedIn = state.status === "signed-in";
  const me = useMe(signedIn);

  useEffect(() => {
    if (state.status !== "signed-out") return;
    // the hash too: an invitation link carries its token there
    const next = encodeURIComponent(`${pathname}${window.location.search}${window.location.hash}`);
    // an invitee usually has no account yet: sign-up first (it links to sign-in), not "Welcome back"
    const page = pathname.startsWith("/invite") && state.reason !== "expired" ? "/sign-up" : "/sign-in";
    router.replace(`${page}?next=${next}${state.reason === "expired" ? "&expired=1" : ""}`);
  }, [state, pathname, router]);

  const noOrg = me.data !== undefined && me.data.orgs.length === 0;
  return (
    <OrgProvider me={me.data} error={me.error} retry={() => void me.refetch()}>
      <Chrome>{noOrg && !pathname.startsWith("/invite") ? <NoOrganization /> : children}</Chrome>
    </OrgProvider>
  );
}
