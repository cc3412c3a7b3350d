// TestValidPodLogOptions (pkg/apis/core/validation/validation_test.go, 000f2605): the rows without a
// stream (podflow serves no `stream` option; the five stream rows are left out). Each row counts errors.

import { describe, it, expect } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validatePodLogOptions, type PodLogOptions } from "./podlog.js";


describe("TestValidPodLogOptions (rows without a stream)", () => {
  const now = "2026-01-01T00:00:00Z";
  const rows: [string, PodLogOptions, number][] = [
    ["no options", {}, 0],
    ["previous", {}, 0],
    ["follow", {}, 0],
    ["tailLines 0", { tailLines: 0 }, 0],
    ["tailLines -1", { tailLines: -1 }, 1],
    ["tailLines 1", { tailLines: 1 }, 0],
    ["limitBytes 0", { limitBytes: 0 }, 1],
    ["limitBytes -1", { limitBytes: -1 }, 1],
    ["limitBytes 1", { limitBytes: 1 }, 0],
    ["sinceSeconds -1", { sinceSeconds: -1 }, 1],
    ["sinceSeconds 1", { sinceSeconds: 1 }, 0],
    ["sinceSeconds 0", { sinceSeconds: 0 }, 1],
    ["sinceTime", { sinceTime: now }, 0],
  ];
  for (const [name, opts, count] of rows) it(`${name}: ${count} error(s)`, () => expect(validatePodLogOptions(opts)).toHaveLength(count));
  it("words the errors as Kubernetes does", () => {
    expect(validatePodLogOptions({ tailLines: -1, limitBytes: 0, sinceSeconds: 1, sinceTime: now }).map(fieldErrorMessage)).toEqual([
      "tailLines: Invalid value: -1: must be greater than or equal to 0",
      "limitBytes: Invalid value: 0: must be greater than 0",
      ": Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified",
    ]);
  });
});
