"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { TextField } from "@/components/ui/field.tsx";
import { ErrorNote } from "@/components/ui/states.tsx";
import { authMessage } from "@/lib/auth/auth-provider.tsx";
import { getSupabase } from "@/lib/supabase.ts";
import { MIN_PASSWORD } from "./auth-form.tsx";

/** The token of a reset link (`#token=`, from `custos-server admin reset-password`). */
export function resetToken(hash: string): string {
  return (new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? "").trim();
}

/**
 * /reset-password#token=…: the link is spent only when the new password is submitted (not when
 * the page loads, so a link preview cannot burn it): verify the token (a session for this user),
 * then set the password, which signs out every other session of the user.
 */
export function ResetPasswordForm() {
  const router = useRouter();
  const [token, setToken] = useState<string>();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // after a spent token, a retry (e.g. a refused password) only sets the password
  const [verified, setVerified] = useState(false);

  useEffect(() => {
    setToken(resetToken(window.location.hash));
    // keep the secret out of the history and of anything that reads the address bar later
    window.history.replaceState(null, "", window.location.pathname);
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (password.length < MIN_PASSWORD) {
      setError(`Use at least ${MIN_PASSWORD} characters for the password.`);
      return;
    }
    setBusy(true);
    try {
      const { supabase } = await getSupabase();
      if (!verified) {
        const { error: verifyError } = await supabase.auth.verifyOtp({
          type: "recovery",
          token_hash: token ?? "",
        });
        if (verifyError) throw verifyError;
        setVerified(true);
      }
      const { error: updateError } = await supabase.auth.updateUser({ password });
      if (updateError) throw updateError;
      router.replace("/servers");
    } catch (e) {
      setError(authMessage(e as { message?: string; status?: number; code?: string }));
      setBusy(false);
    }
  }

  if (token === undefined) return null;
  if (!token && !verified) {
    return (
      <div className="space-y-3">
        <h1 className="font-semibold text-xl">No reset link</h1>
        <p className="text-gray-600 text-sm dark:text-gray-400">
          This page needs the whole link your administrator gave you (it ends in <code>#token=…</code>). They
          can print a new one with <code>custos-server admin reset-password --email you@example.com</code>.
        </p>
        <Link
          className="font-medium text-blue-600 text-sm hover:underline dark:text-blue-400"
          href="/sign-in"
        >
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <div>
        <h1 className="font-semibold text-xl">Set a new password</h1>
        <p className="mt-1 text-gray-500 text-sm dark:text-gray-400">
          The link works once. Your other sessions are signed out.
        </p>
      </div>
      <TextField
        label="New password"
        type="password"
        name="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD}
        hint={`At least ${MIN_PASSWORD} characters.`}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <ErrorNote>{error}</ErrorNote>
      <Button type="submit" className="w-full" loading={busy}>
        Set password
      </Button>
    </form>
  );
}
