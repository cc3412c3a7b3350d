import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["machines/**/*.test.ts", "runtime/**/*.test.ts", "properties/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts", "cli/**/*.test.ts", "ui/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // vitest's default leaves a core to its main process (one worker on a 2-core machine), which
    // waits on the workers: every core runs a test file
    maxWorkers: availableParallelism(),
  },
});
