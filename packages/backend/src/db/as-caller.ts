import type { Sql, TransactionSql } from "postgres";

export interface CallerClaims {
  sub: string;
  role: "authenticated";
  email?: string;
  [claim: string]: unknown;
}

/**
 * Runs `work` in a transaction as the calling user, exactly as PostgREST does: role
 * `authenticated` and the JWT claims in `request.jwt.claims`, both transaction-local. Row-level
 * security then guards every read, even if a query forgets its org filter.
 */
export function asCaller<T>(
  sql: Sql,
  claims: CallerClaims,
  work: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true), set_config('role', 'authenticated', true)`;
    return work(tx);
  }) as Promise<T>;
}
