import "./provided.ts";

export { freePort } from "./ports.ts";
export {
  createEmptyDatabase,
  createTestDatabase,
  type PostgresCluster,
  prepareTemplate,
  startPostgres,
} from "./postgres.ts";
export { type CustosServerHandle, startCustosServer } from "./server.ts";
