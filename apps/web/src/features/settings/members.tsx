"use client";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { CodeBlock } from "@/components/ui/copy-button.tsx";
import { controlClass, SelectField, TextField } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { CreatedInvitation, InvitationItem, OrgRole } from "@/lib/contract.ts";
import { formatDateTime } from "@/lib/format.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";
import {
  useCreateInvitation,
  useInvitations,
  useMembers,
  useRemoveMember,
  useRevokeInvitation,
  useUpdateMember,
} from "@/lib/queries.ts";
import { Table, Td, usePermission } from "./shared.tsx";

const ROLE_TEXT: Record<OrgRole, string> = {
  owner: "Owner",
  admin: "Admin",
  member: "Member",
  viewer: "Viewer",
};

const ROLE_HELP =
  "Viewers read everything. Members also create keys and probes and acknowledge incidents. Admins manage servers, channels, rules, members and settings.";

function Members() {
  const { orgId, role } = useOrg();
  const query = useMembers(orgId);
  const update = useUpdateMember(orgId);
  const remove = useRemoveMember(orgId);
  const canManage = atLeast(role, "admin");
  const [confirm, setConfirm] = useState<string>();
  if (query.isPending) return <LoadingState label="Loading members" />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  return (
    <>
      <Table label="Members" columns={["Email", "Role", "Joined"]}>
        <tbody>
          {query.data.members.map((m) => (
            <tr key={m.user_id}>
              <Td>
                {m.email ?? "(no email)"} {m.is_you ? <Badge tone="blue">you</Badge> : null}
              </Td>
              <Td>
                {canManage && !m.is_you ? (
                  <label>
                    <span className="sr-only">Role of {m.email}</span>
                    <select
                      className={`${controlClass} w-auto py-1`}
                      value={m.role}
                      disabled={update.isPending || (m.role === "owner" && role !== "owner")}
                      onChange={(e) => update.mutate({ userId: m.user_id, role: e.target.value as OrgRole })}
                    >
                      {(["owner", "admin", "member", "viewer"] as const)
                        .filter((r) => r !== "owner" || role === "owner" || m.role === "owner")
                        .map((r) => (
                          <option key={r} value={r}>
                            {ROLE_TEXT[r]}
                          </option>
                        ))}
                    </select>
                  </label>
                ) : (
                  ROLE_TEXT[m.role]
                )}
              </Td>
              <Td className="whitespace-nowrap text-gray-500">{formatDateTime(m.joined_at)}</Td>
              <Td className="text-right">
                {canManage || m.is_you ? (
                  confirm === m.user_id ? (
                    <span className="inline-flex gap-1">
                      <Button
                        size="sm"
                        variant="danger"
                        loading={remove.isPending}
                        onClick={() => remove.mutate(m.user_id)}
                      >
                        {m.is_you ? "Leave" : "Remove"}
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setConfirm(undefined)}>
                        Cancel
                      </Button>
                    </span>
                  ) : (
                    <Button size="sm" variant="ghost" onClick={() => setConfirm(m.user_id)}>
                      {m.is_you ? "Leave…" : "Remove…"}
                    </Button>
                  )
                ) : null}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <MutationNote error={update.error ?? remove.error} />
    </>
  );
}

/** Where the invitation email is: failures say why, so the admin knows to share the link by hand. */
function EmailStatus({ status, error }: { status: InvitationItem["email_status"]; error: string | null }) {
  switch (status) {
    case "sent":
      return <span className="text-green-700 dark:text-green-400">Email sent</span>;
    case "pending":
    case "sending":
      return <span className="text-gray-500">{error ? "Email failed, retrying…" : "Sending email…"}</span>;
    case "failed":
      return (
        <span className="text-red-700 dark:text-red-400" title={error ?? undefined}>
          Email failed{error ? `: ${error}` : ""}. Share the link by hand or invite again.
        </span>
      );
    default:
      return <span className="text-gray-500">No email (link shared by hand)</span>;
  }
}

function Invitations() {
  const { orgId } = useOrg();
  const query = useInvitations(orgId, true);
  const create = useCreateInvitation(orgId);
  const revoke = useRevokeInvitation(orgId);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"admin" | "member" | "viewer">("member");
  const [created, setCreated] = useState<CreatedInvitation>();
  const error = create.error instanceof ApiError ? create.error : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (result) => {
          setCreated(result);
          setEmail("");
        },
      },
    );
  }
  const pending = query.data?.invitations.filter((i) => !i.accepted_at) ?? [];
  return (
    <Card className="mt-6">
      <CardHeader title="Invitations" description="Invite by email; the link is valid for 7 days." />
      <form onSubmit={submit} className="flex flex-wrap items-start gap-3">
        <TextField
          label="Email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className="min-w-0 flex-1"
          error={error?.field === "email" ? error.message : undefined}
        />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
          <option value="admin">Admin</option>
          <option value="member">Member</option>
          <option value="viewer">Viewer</option>
        </SelectField>
        <Button type="submit" className="sm:mt-6" loading={create.isPending} disabled={!email.trim()}>
          Invite
        </Button>
      </form>
      <MutationNote error={error?.field === "email" ? undefined : create.error} />
      {created ? (
        <div role="status" className="mt-4 space-y-2 rounded-lg bg-blue-50 p-3 text-sm dark:bg-blue-500/10">
          {created.email === "queued" ? (
            <p>
              Invitation for <strong>{created.invitation.email}</strong> created. An email with the link is on
              its way (its progress is in the list below); you can also share the link yourself (shown once):
            </p>
          ) : (
            <p>
              Invitation for <strong>{created.invitation.email}</strong> created.{" "}
              <strong>No email was sent: this server has no email configured.</strong> Share this link with
              them yourself (shown once):
            </p>
          )}
          <CodeBlock
            text={
              created.accept_url ??
              `${window.location.origin}/invite#token=${encodeURIComponent(created.token)}`
            }
            label="Invitation link"
          />
        </div>
      ) : null}
      <div className="mt-4">
        {query.isPending ? (
          <LoadingState label="Loading invitations" rows={1} />
        ) : query.isError ? (
          <ErrorState error={query.error} retry={() => void query.refetch()} />
        ) : pending.length === 0 ? (
          <p className="text-gray-500 text-sm">No open invitations.</p>
        ) : (
          <Table label="Open invitations" columns={["Email", "Role", "Invitation email", "Expires"]}>
            <tbody>
              {pending.map((i) => (
                <tr key={i.id}>
                  <Td>{i.email}</Td>
                  <Td>{ROLE_TEXT[i.role]}</Td>
                  <Td>
                    <EmailStatus status={i.email_status} error={i.email_error} />
                  </Td>
                  <Td className="whitespace-nowrap text-gray-500">{formatDateTime(i.expires_at)}</Td>
                  <Td className="text-right">
                    <Button
                      size="sm"
                      variant="ghost"
                      loading={revoke.isPending && revoke.variables === i.id}
                      onClick={() => revoke.mutate(i.id)}
                    >
                      Revoke<span className="sr-only"> invitation for {i.email}</span>
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <MutationNote error={revoke.error} />
      </div>
    </Card>
  );
}

export function MembersSettings() {
  const { allowed } = usePermission("admin");
  return (
    <div>
      <Card>
        <CardHeader title="Members" description={ROLE_HELP} />
        <Members />
      </Card>
      {allowed ? (
        <Invitations />
      ) : (
        <EmptyState className="mt-6" title="Invitations">
          Only admins and owners can invite people.
        </EmptyState>
      )}
    </div>
  );
}
