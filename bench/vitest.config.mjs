// Runs the bench/ tests, which the root vitest config does not include: npx vitest run --config bench/vitest.config.mjs
import { defineConfig } from "vitest/config";
export default defineConfig({ test: { root: ".", include: ["bench/**/*.test.ts"], pool: "forks" } });
