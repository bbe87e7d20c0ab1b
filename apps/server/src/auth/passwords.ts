import bcrypt from "bcryptjs";
import { AuthError } from "./errors.ts";

/** GoTrue's cost, so hashes move between Supabase Auth and custos-server unchanged. */
const BCRYPT_COST = 10;
export const MIN_PASSWORD_LENGTH = 8;
/** bcrypt reads at most 72 bytes; a longer password would be silently cut, so refuse it. */
const MAX_PASSWORD_BYTES = 72;

/** Refuses what GoTrue refuses by default: shorter than the minimum (422 weak_password). */
export function assertAcceptablePassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      422,
      "weak_password",
      `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`,
      { field: "password", reasons: ["length"] },
    );
  }
  if (new TextEncoder().encode(password).byteLength > MAX_PASSWORD_BYTES) {
    throw new AuthError(422, "validation_failed", `password: must be at most ${MAX_PASSWORD_BYTES} bytes`, {
      field: "password",
    });
  }
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

let dummyHash: Promise<string> | undefined;

/**
 * Compares against the stored hash, or, when there is none (unknown email, a user without a
 * password), against a throwaway hash of the same cost: both paths take as long, so timing does
 * not tell which emails have accounts.
 */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) {
    dummyHash ??= bcrypt.hash("custos-timing-equaliser", BCRYPT_COST);
    await bcrypt.compare(password, await dummyHash);
    return false;
  }
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false; // not a bcrypt hash
  }
}
