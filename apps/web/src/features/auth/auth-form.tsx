"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { TextField } from "@/components/ui/field.tsx";
import { ErrorNote, StatusNote } from "@/components/ui/states.tsx";
import { AuthFailure, useAuth } from "@/lib/auth/auth-provider.tsx";
import { safeNext } from "@/lib/safe-next.ts";
import { useInstanceSettings } from "./use-instance-settings.ts";

export const MIN_PASSWORD = 8;

export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const { state, signIn, signUp } = useAuth();
  const router = useRouter();
  const params = useSearchParams();
  const given = params.get("next");
  const next = safeNext(given, mode === "sign-up" ? "/onboarding" : "/servers");
  // keep where the user was going when they switch between sign-in and sign-up
  const carry = given ? `?next=${encodeURIComponent(safeNext(given))}` : "";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const instance = useInstanceSettings();
  const settings = instance.status === "ready" ? instance.settings : undefined;
  // a fresh custos-server: nobody can sign in yet, someone must create the first account
  const firstAccount = settings?.hasUsers === false;
  const signupsClosed = settings?.hasUsers === true && settings.signups === "closed";

  // already signed in (another tab, or back button): go on
  useEffect(() => {
    if (state.status === "signed-in" && !busy) router.replace(next);
  }, [state.status, busy, next, router]);

  useEffect(() => {
    if (mode === "sign-in" && firstAccount) router.replace(`/sign-up${carry}`);
  }, [mode, firstAccount, carry, router]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    if (mode === "sign-up" && password.length < MIN_PASSWORD) {
      setError(`Use at least ${MIN_PASSWORD} characters for the password.`);
      return;
    }
    setBusy(true);
    try {
      if (mode === "sign-in") {
        await signIn(email.trim(), password);
        router.replace(next);
      } else {
        const { needsConfirmation } = await signUp(email.trim(), password);
        if (needsConfirmation) {
          setNotice("Check your email to confirm your address, then sign in.");
          setBusy(false);
          return;
        }
        router.replace(next);
      }
    } catch (e) {
      setError(e instanceof AuthFailure ? e.message : "Could not reach the server. Try again.");
      setBusy(false);
    }
  }

  const expired = params.get("expired") === "1";
  // wait for the settings on sign-in, so a fresh instance never flashes "Welcome back"
  if (mode === "sign-in" && (instance.status === "loading" || firstAccount)) {
    return (
      <p className="text-gray-500 text-sm" aria-busy="true">
        Loading…
      </p>
    );
  }
  if (mode === "sign-up" && signupsClosed) {
    return (
      <div className="space-y-4">
        <h1 className="font-semibold text-xl">Sign-ups are closed</h1>
        <p role="status" className="text-gray-600 text-sm dark:text-gray-400">
          This Custos does not take new accounts (<code>CUSTOS_SIGNUPS=closed</code>). Ask its administrator
          for an account.
        </p>
        <Link
          className="font-medium text-blue-600 text-sm hover:underline dark:text-blue-400"
          href={`/sign-in${carry}`}
        >
          Sign in
        </Link>
      </div>
    );
  }
  // on the way to accepting an invitation (the link's /invite#token=… is in `next`)
  const invited = next.startsWith("/invite");
  const heading = invited
    ? mode === "sign-in"
      ? "Sign in to accept your invitation"
      : "Create your account to accept your invitation"
    : mode === "sign-in"
      ? "Sign in"
      : firstAccount
        ? "Create the first account"
        : "Create your account";
  const lead = invited
    ? mode === "sign-in"
      ? "Sign in with the address the invitation was sent to; you then join the organization."
      : "Use the address the invitation was sent to. Already have an account? Sign in below instead."
    : mode === "sign-in"
      ? "Welcome back. Your servers are waiting."
      : firstAccount
        ? "This Custos has no accounts yet. The first one owns it: you get an organization and can invite your team."
        : settings?.signups === "invite-only"
          ? "Sign-up here is by invitation: use the email address your invitation was sent to."
          : "An organization is created for you; invite your team later.";
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <div>
        <h1 className="font-semibold text-xl">{heading}</h1>
        <p className="mt-1 text-gray-500 text-sm dark:text-gray-400">{lead}</p>
      </div>
      {expired && mode === "sign-in" ? (
        <p
          role="status"
          className="rounded-lg bg-amber-50 p-3 text-amber-900 text-sm dark:bg-amber-500/10 dark:text-amber-200"
        >
          Your session ended. Sign in again to continue.
        </p>
      ) : null}
      <TextField
        label="Email"
        type="email"
        name="email"
        autoComplete="email"
        inputMode="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <TextField
        label="Password"
        type="password"
        name="password"
        autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
        required
        minLength={mode === "sign-up" ? MIN_PASSWORD : undefined}
        hint={mode === "sign-up" ? `At least ${MIN_PASSWORD} characters.` : undefined}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <ErrorNote>{error}</ErrorNote>
      <StatusNote>{notice}</StatusNote>
      <Button type="submit" className="w-full" loading={busy}>
        {mode === "sign-in" ? "Sign in" : "Create account"}
      </Button>
      <p className="text-center text-gray-600 text-sm dark:text-gray-400">
        {firstAccount ? (
          // nobody can sign in yet: no link to sign-in, which would only send them back here
          <>Teammates join later through invitations.</>
        ) : mode === "sign-in" && signupsClosed ? (
          <>Forgot your password? Ask your administrator for a reset link.</>
        ) : mode === "sign-in" ? (
          <>
            No account yet?{" "}
            <Link
              className="font-medium text-blue-600 hover:underline dark:text-blue-400"
              href={`/sign-up${carry}`}
            >
              Create one
            </Link>
          </>
        ) : (
          <>
            Already have an account?{" "}
            <Link
              className="font-medium text-blue-600 hover:underline dark:text-blue-400"
              href={`/sign-in${carry}`}
            >
              Sign in
            </Link>
          </>
        )}
      </p>
    </form>
  );
}
