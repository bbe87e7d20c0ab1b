/**
 * Invitation emails (decision 0041) in the backend, with the real PostgreSQL: without any way to
 * send email the API answer says the link is shared by hand and nothing is queued; with the cloud's
 * transport (Resend's HTTP API, a real loopback HTTP server standing in for it) the invitation's
 * email is queued in the invite's transaction, sent by the job, and its progress and failures are
 * in the admins' invitation list. The SMTP path (custos-server) is tested end to end with a real
 * SMTP server in apps/server/test/e2e/invitation-email.test.ts.
 */
import { CreatedInvitation, InvitationList } from "@custos/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invitationEmail, oneLine } from "../../src/members/invitation-email.ts";
import { sendInvitationEmails } from "../../src/members/send-invitation-emails.ts";
import { startSink } from "../sinks.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

const DASHBOARD = "https://app.custos.example";

describe("invitation email words", () => {
  const base = {
    inviter: "Ada Lovelace",
    orgName: "Acme Ops",
    role: "viewer" as const,
    acceptUrl: `${DASHBOARD}/invite#token=inv_abc`,
    invitee: "bob@example.com",
    expiresAt: new Date("2026-12-12T10:00:00Z"),
  };

  it("names the inviter, the organization, the role and the expiry, with the link on a line of its own", () => {
    const mail = invitationEmail(base);
    expect(mail.subject).toBe("Ada Lovelace invited you to Acme Ops on Custos");
    expect(mail.text).toContain('Ada Lovelace invited you to join the organization "Acme Ops" on Custos');
    expect(mail.text).toContain("as viewer");
    expect(mail.text).toContain("until 2026-12-12 10:00 UTC");
    expect(mail.text.split("\n")).toContain(base.acceptUrl);
  });

  it("folds hostile names to one line: no header through the subject, no extra line in the body", () => {
    const mail = invitationEmail({
      ...base,
      inviter: "Mallory\r\nBcc: victim@example.com\r\n\r\n<a href=https://evil.example>",
      orgName: "Acme\nAccept here instead:\nhttps://evil.example/\u2028\u202e",
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toBe(
      "Mallory Bcc: victim@example.com <a href=https://evil.example> invited you to Acme Accept here instead: https://evil.example/ on Custos",
    );
    const lines = mail.text.split("\n");
    expect(lines.filter((l) => l.startsWith("Bcc:") || l.startsWith("https://evil"))).toEqual([]);
    expect(lines.filter((l) => l.startsWith("http"))).toEqual([base.acceptUrl]);
  });

  it("says who invited when the inviter's account is gone, and bounds long names", () => {
    expect(invitationEmail({ ...base, inviter: null }).subject).toMatch(/^An administrator invited you/);
    expect(Array.from(oneLine("x".repeat(500)))).toHaveLength(100);
    expect(invitationEmail({ ...base, orgName: "\r\n" }).subject).toContain("to an organization on Custos");
  });
});

describe("without email configured", () => {
  let d: Dashboard;
  beforeAll(async () => {
    d = await setupDashboard({ dashboardUrl: DASHBOARD });
  });
  afterAll(() => d.close());

  it("answers that the link must be shared by hand, and queues nothing", async () => {
    const created = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/invitations`, {
        as: d.users.admin,
        body: { email: "by-hand@example.com" },
      }),
      201,
      CreatedInvitation,
    );
    expect(created.email).toBe("not_configured");
    expect(created.email_note).toMatch(/share the link with the invitee yourself/);
    expect(created.accept_url).toBe(`${DASHBOARD}/invite#token=${created.token}`);
    expect(created.invitation).toMatchObject({ email_status: null, email_error: null });
    const [stored] = await d.sql`select count(*)::int as n from private.invitation_email_tokens`;
    expect(stored?.n).toBe(0);
    expect(await sendInvitationEmails({ ctx: d.app.ctx })).toEqual({ sent: 0, retried: 0, failed: 0 });
  });
});

describe("with the cloud's email transport (Resend)", () => {
  let d: Dashboard;
  let resend: Awaited<ReturnType<typeof startSink>>;
  const KEY = "re_operator_key_0123456789";
  beforeAll(async () => {
    resend = await startSink();
    d = await setupDashboard(
      { dashboardUrl: DASHBOARD },
      {
        emailTransport: "resend",
        resendApiKey: KEY,
        resendBaseUrl: resend.url,
        emailFrom: "Custos <custos@example.com>",
      },
    );
    await d.sql`update organizations set name = 'Acme Ops' where id = ${d.orgA}`;
    await d.sql`update auth.users set raw_user_meta_data = '{"full_name":"Ada Admin"}' where id = ${d.users.admin.id}`;
  });
  afterAll(async () => {
    await d.close();
    await resend.close();
  });
  beforeEach(() => {
    resend.received.length = 0;
    resend.answer(200);
  });

  const invite = async (email: string) =>
    expectContract(
      await d.api("POST", `/orgs/${d.orgA}/invitations`, { as: d.users.admin, body: { email } }),
      201,
      CreatedInvitation,
    );
  const listed = async (id: string) =>
    expectContract(
      await d.api("GET", `/orgs/${d.orgA}/invitations`, { as: d.users.admin }),
      200,
      InvitationList,
    ).invitations.find((i) => i.id === id);

  it("queues the email with the answer and sends it once from the job, with the link and the names", async () => {
    const created = await invite("carol@example.com");
    expect(created.email).toBe("queued");
    expect(created.invitation.email_status).toBe("pending");
    // the API answered before anything was sent
    expect(resend.received).toHaveLength(0);

    expect(await sendInvitationEmails({ ctx: d.app.ctx })).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await sendInvitationEmails({ ctx: d.app.ctx })).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(resend.received).toHaveLength(1);
    const [request] = resend.received;
    expect(request?.path).toBe("/emails");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    const mail = request?.json();
    expect(mail).toMatchObject({
      from: "Custos <custos@example.com>",
      to: ["carol@example.com"],
      subject: "Ada Admin invited you to Acme Ops on Custos",
    });
    expect(mail.text.split("\n")).toContain(`${DASHBOARD}/invite#token=${created.token}`);
    expect(Object.keys(mail).sort()).toEqual(["from", "subject", "text", "to"]);

    expect(await listed(created.invitation.id)).toMatchObject({ email_status: "sent", email_error: null });
    // the token is kept only until the email is out
    const [left] = await d.sql`select count(*)::int as n from private.invitation_email_tokens`;
    expect(left?.n).toBe(0);
  });

  it("retries a temporary failure later and shows a permanent one in the list", async () => {
    const created = await invite("dave@example.com");
    resend.answer(503);
    expect(await sendInvitationEmails({ ctx: d.app.ctx })).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(await listed(created.invitation.id)).toMatchObject({ email_status: "pending" });
    // due again: the backoff has passed
    await d.sql`update invitations set email_next_attempt_at = now() where id = ${created.invitation.id}`;
    resend.answer(422);
    expect(await sendInvitationEmails({ ctx: d.app.ctx })).toEqual({ sent: 0, retried: 0, failed: 1 });
    const item = await listed(created.invitation.id);
    expect(item?.email_status).toBe("failed");
    expect(item?.email_error).toMatch(/422/);
    expect(item?.email_error).not.toContain(KEY);
    expect(item?.email_error).not.toContain(created.token);
  });

  it("keeps the token out of the Data API and out of every other query a signed-in user can make", async () => {
    await invite("erin@example.com");
    const denied = await d.sql
      .begin(async (tx) => {
        await tx`set local role authenticated`;
        return tx`select token from private.invitation_email_tokens`;
      })
      .then(
        () => "read",
        (e: Error) => e.message,
      );
    expect(denied).toMatch(/permission denied/);
    // nobody without the token can queue an email for an invitation (or learn that it exists)
    const [row] = await d.sql`select id from invitations where email = 'erin@example.com'`;
    const [queued] = await d.sql`select private.queue_invitation_email(${row?.id}, 'inv_guess') as ok`;
    expect(queued?.ok).toBe(false);
  });

  it("does not send an invitation accepted or revoked before the job came round", async () => {
    const created = await invite("frank@example.com");
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/invitations/${created.invitation.id}`, { as: d.users.admin }))
        .status,
    ).toBe(200);
    await sendInvitationEmails({ ctx: d.app.ctx });
    expect(resend.received.filter((r) => r.json().to[0] === "frank@example.com")).toEqual([]);
  });
});
