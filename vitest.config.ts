import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";
import { classifyTestFiles } from "./test/support/isolation.js";

const all = ["machines/**/*.test.ts", "runtime/**/*.test.ts", "properties/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts", "cli/**/*.test.ts", "ui/**/*.test.ts"];
// test/support/isolation.ts decides, by what each file and its imports touch, which test files
// must get a fresh module graph; the rest share one per worker (re-importing the model for each
// of ~450 files cost ~8 minutes of CI). test/isolation.test.ts enforces the split.
const { isolated } = classifyTestFiles(fileURLToPath(new URL(".", import.meta.url)));
const isolatedFiles = [...isolated.keys()];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // vitest's default leaves a core to its main process (one worker on a 2-core machine), which
    // waits on the workers: every core runs a test file
    maxWorkers: availableParallelism(),
    // project options are merged into these with arrays concatenated: include lives only in the projects
    projects: [
      // vitest runs files grouped by project name: "isolated" sorts first, so the shared workers,
      // once started, are reused for every remaining file
      { extends: true, test: { name: "isolated", include: isolatedFiles, isolate: true } },
      { extends: true, test: { name: "shared", include: all, exclude: [...configDefaults.exclude, ...isolatedFiles], isolate: false } },
    ],
  },
});
