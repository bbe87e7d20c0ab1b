import type { Sql, TransactionSql } from "postgres";

/**
 * What a verb's statements run on when both the dashboard and the service side use it: the
 * caller's transaction as `inOrg` opens it (role checked, row-level security on every statement)
 * or service access (`ctx.sql`, or a transaction of it). It has no `begin`: a verb that needs a
 * transaction of its own takes `Sql`.
 */
export type Queryable = Sql | TransactionSql;
