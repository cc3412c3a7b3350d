import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["machines/**/*.test.ts", "runtime/**/*.test.ts", "properties/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts", "cli/**/*.test.ts", "ui/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
