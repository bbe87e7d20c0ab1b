export {
  type AuthConfig,
  type AuthCtx,
  createAuthContext,
  DEFAULT_AUTH_CONFIG,
  SIGNUP_POLICIES,
  type SignupPolicy,
} from "./context.ts";
export { AuthError } from "./errors.ts";
export { assertAcceptablePassword, hashPassword } from "./passwords.ts";
export { createRecoveryToken, RECOVERY_TTL_SECONDS, setPassword } from "./recovery.ts";
export { authRoutes } from "./routes.ts";
export { Email } from "./schemas.ts";
export {
  endSessionsOfOldKey,
  loadOrCreateSigningKey,
  SIGNING_KEY_FILE,
  type SigningKey,
  SigningKeyError,
} from "./signing-key.ts";
