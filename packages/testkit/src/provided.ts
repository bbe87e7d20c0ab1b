// What the global setup provides to test files through vitest's inject().
declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL cluster (its `postgres` database). */
    pgAdminUrl: string;
  }
}

export {};
