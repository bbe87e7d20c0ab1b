export { loadMigrations, type MigrateResult, type Migration, MigrationError, migrate } from "./migrations.ts";
export { migrationsDir } from "./paths.ts";
