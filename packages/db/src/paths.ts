import { fileURLToPath } from "node:url";

/** supabase/migrations of this checkout: the one schema for both modes. */
export const migrationsDir = fileURLToPath(new URL("../../../supabase/migrations/", import.meta.url));
