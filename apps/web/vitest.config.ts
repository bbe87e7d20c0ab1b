import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    include: ["src/**/*.test.ts"],
    // Formatting tests assume one zone and locale whatever the machine's TZ and LANG. The test
    // workers start with these, so Intl's default locale (read from LC_ALL at start) follows.
    env: { TZ: "UTC", LC_ALL: "en_US.UTF-8" },
  },
});
