import type { TestProject } from "vitest/node";
import { prepareTemplate, startPostgres } from "./postgres.ts";
import "./provided.ts";

/**
 * vitest globalSetup: one real PostgreSQL per test run with a migrated template database;
 * each test file copies the template into its own database (see createTestDatabase).
 */
export default async function setup(project: TestProject) {
  const cluster = await startPostgres();
  await prepareTemplate(cluster);
  project.provide("pgAdminUrl", cluster.adminUrl);
  return async () => {
    await cluster.stop();
  };
}
