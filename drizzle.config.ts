import { defineConfig } from "drizzle-kit";

// drizzle-kit writes SQL into migrations/; src/db/migrate.ts embeds and applies it (see migrations/index.ts).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
