export { type AuthConfig, type AuthCtx, createAuthContext, DEFAULT_AUTH_CONFIG } from "./context.ts";
export { authRoutes } from "./routes.ts";
export {
  endSessionsOfOldKey,
  loadOrCreateSigningKey,
  SIGNING_KEY_FILE,
  type SigningKey,
  SigningKeyError,
} from "./signing-key.ts";
