import { defineConfig } from "vitest/config";

/** The full chaos suite (`pnpm --filter @custos/server chaos`): one scenario at a time. */
export default defineConfig({
  test: {
    include: ["test/chaos/**/*.chaos.ts"],
    globalSetup: ["@custos/testkit/global-setup"],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});
