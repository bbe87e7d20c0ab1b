export { createEmptyDatabase, createTestDatabase, type PostgresCluster, prepareTemplate, startPostgres } from "./postgres.ts";
export { freePort } from "./ports.ts";
export { type CustosServerHandle, startCustosServer } from "./server.ts";
