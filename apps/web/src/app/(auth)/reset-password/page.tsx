import type { Metadata } from "next";
import { ResetPasswordForm } from "@/features/auth/reset-password-form.tsx";

export const metadata: Metadata = { title: "Set a new password" };

export default function ResetPasswordPage() {
  return <ResetPasswordForm />;
}
