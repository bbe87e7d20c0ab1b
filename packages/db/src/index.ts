export { loadMigrations, MigrationError, migrate, type MigrateResult, type Migration } from "./migrations.ts";
export { migrationsDir } from "./paths.ts";
