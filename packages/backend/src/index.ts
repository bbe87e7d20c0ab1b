export { type CreatedApiKey, createApiKey } from "./api-keys/create.ts";
export { revokeApiKey } from "./api-keys/revoke.ts";
export { type CreateAppOptions, createApp, createContext } from "./app.ts";
export { type BackendConfig, type Ctx, consoleLogger, DEFAULT_CONFIG, type Logger } from "./context.ts";
export { asCaller, type CallerClaims } from "./db/as-caller.ts";
export { AppError, STATUS_BY_CODE } from "./errors.ts";
export { maintainPartitions } from "./maintenance/partitions.ts";
export { createOrganization } from "./orgs/create.ts";
export { approveServer } from "./servers/approve.ts";
