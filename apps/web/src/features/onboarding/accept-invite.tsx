"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, buttonClass } from "@/components/ui/button.tsx";
import { Card } from "@/components/ui/card.tsx";
import { EmptyState, MutationNote } from "@/components/ui/states.tsx";
import { useOrgState } from "@/lib/org.tsx";
import { useAcceptInvitation } from "@/lib/queries.ts";

/** The token of an invitation link: in the fragment (`#token=`, kept out of logs), or the query. */
export function invitationToken(hash: string, query: string | null): string {
  const fromHash = new URLSearchParams(hash.replace(/^#/, "")).get("token");
  return (fromHash ?? query ?? "").trim();
}

/** /invite#token=…: the signed-in invitee joins the organization (their email must match). */
export function AcceptInvite() {
  const query = useSearchParams().get("token");
  const [token, setToken] = useState<string>();
  useEffect(() => {
    setToken(invitationToken(window.location.hash, query));
  }, [query]);
  const accept = useAcceptInvitation();
  const org = useOrgState();
  if (token === undefined) return null;
  if (!token)
    return <EmptyState title="No invitation">The link is incomplete; ask for a new invitation.</EmptyState>;
  if (accept.isSuccess) {
    return (
      <Card className="max-w-md">
        <p className="font-medium">
          You joined {accept.data.org.name} as {accept.data.role}.
        </p>
        <div className="mt-3 flex gap-2">
          <Button
            onClick={() => {
              if (org.status === "ready") org.value.setOrg(accept.data.org.id);
              window.location.assign("/servers");
            }}
          >
            Open {accept.data.org.name}
          </Button>
        </div>
      </Card>
    );
  }
  return (
    <Card className="max-w-md">
      <h1 className="font-semibold text-lg">Join an organization</h1>
      <p className="mt-1 text-gray-600 text-sm dark:text-gray-400">
        You were invited to a Custos organization. Accept with the account you are signed in with
        {org.status === "ready" ? ` (${org.value.user.email})` : ""}; it must be the invited address.
      </p>
      <div className="mt-4 flex gap-2">
        <Button loading={accept.isPending} onClick={() => accept.mutate(token)}>
          Accept invitation
        </Button>
        <Link href="/servers" className={buttonClass("secondary")}>
          Not now
        </Link>
      </div>
      <MutationNote error={accept.error} />
    </Card>
  );
}
