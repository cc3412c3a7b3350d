#!/usr/bin/env node
// The podflow command: the compiled CLI in dist/ (npm ci builds it through `prepare`).
import { main } from "../dist/cli/index.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err?.stack ?? String(err));
    process.exitCode = 1;
  },
);
