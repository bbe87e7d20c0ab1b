import { JsonObject } from "@custos/protocol";
import { z } from "zod";

/** GoTrue lower-cases emails; so does this, before validating. */
export const Email = z
  .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
  .trim()
  .toLowerCase()
  .pipe(
    z
      .email({ error: "Unable to validate email address: invalid format" })
      .max(255, { error: "must be at most 255 characters" }),
  );

/** Only presence here: strength (weak_password, 422) is judged by passwords.ts, as GoTrue does. */
export const Password = z
  .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
  .min(1, { error: "is required" });

/** Largest user metadata accepted at sign-up. */
export const USER_METADATA_BYTES = 2048;

// Objects are not strict: supabase-js also sends gotrue_meta_security, code_challenge, ...
export const SignupInput = z.object({
  email: Email,
  password: Password,
  // Stored as jsonb and copied into every access token's user_metadata: only storable values
  // (no NUL, no lone surrogates, bounded depth), and small, so a session token stays far below
  // the 16 KB of headers servers accept (20 KB of metadata made every later request a 431).
  data: JsonObject.refine(
    (data) => new TextEncoder().encode(JSON.stringify(data)).length <= USER_METADATA_BYTES,
    {
      error: `must be at most ${USER_METADATA_BYTES} bytes of JSON`,
    },
  )
    .nullish()
    .transform((v) => v ?? {}),
});

export type SignupInput = z.output<typeof SignupInput>;

export const PasswordGrantInput = z.object({ email: Email, password: Password });
export type PasswordGrantInput = z.output<typeof PasswordGrantInput>;

export const RefreshGrantInput = z.object({
  refresh_token: z
    .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
    .min(1, { error: "is required" })
    .max(255, { error: "is not a refresh token" }),
});
export type RefreshGrantInput = z.output<typeof RefreshGrantInput>;

export const LogoutScope = z.enum(["local", "global", "others"], {
  error: "must be one of local, global, others",
});
export type LogoutScope = z.output<typeof LogoutScope>;

/** POST /verify: only the recovery links of `admin reset-password`; GoTrue's other types need mail. */
export const VerifyInput = z.object({
  type: z.literal("recovery", { error: "must be recovery (the only link custos-server issues)" }),
  token_hash: z
    .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
    .min(1, { error: "is required" })
    .max(255, { error: "is not a recovery token" }),
});
export type VerifyInput = z.output<typeof VerifyInput>;

/** PUT /user: the password is the one attribute custos-server lets a user change. */
export const UpdateUserInput = z.object({ password: Password });
export type UpdateUserInput = z.output<typeof UpdateUserInput>;
