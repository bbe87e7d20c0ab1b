/**
 * The words of an invitation email. Plain text only (no HTML part), so a name cannot bring markup;
 * the names the inviter and the organization chose are folded to one line of printable text, so
 * they can neither add a header through the subject nor add lines (a fake link) to the body.
 * The one secret in it is the invitation's token, inside the accept link.
 */
import type { OrgRole } from "@custos/protocol";

/** Control characters (CR, LF, tab, NUL, C1), line and paragraph separators, bidi overrides. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** A user-chosen name as one line of at most `max` characters. */
export function oneLine(text: string, max = 100): string {
  const line = text.replace(UNSAFE, " ").replace(/\s+/g, " ").trim();
  const chars = Array.from(line);
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join("")}…`;
}

export interface InvitationEmailInput {
  /** The inviter's display name if they set one, else their email; null when the account is gone. */
  inviter: string | null;
  orgName: string;
  role: Exclude<OrgRole, "owner">;
  acceptUrl: string;
  invitee: string;
  expiresAt: Date;
}

export function invitationEmail(input: InvitationEmailInput): { subject: string; text: string } {
  const org = oneLine(input.orgName) || "an organization";
  const inviter = input.inviter ? oneLine(input.inviter) : "";
  const who = inviter || "An administrator";
  const expires = input.expiresAt.toISOString().slice(0, 16).replace("T", " ");
  const subject = `${who} invited you to ${org} on Custos`;
  const text = [
    `${who} invited you to join the organization "${org}" on Custos (server monitoring) as ${input.role}.`,
    "",
    `Accept the invitation (the link works once, until ${expires} UTC):`,
    input.acceptUrl,
    "",
    `Open the link, then create your account with this address (${oneLine(input.invitee, 320)}), or sign in if you already have one.`,
    "If you did not expect this invitation, ignore this email: nothing happens without the link.",
    "",
    "-- ",
    "Custos",
    "",
  ].join("\n");
  return { subject: oneLine(subject, 200), text };
}
