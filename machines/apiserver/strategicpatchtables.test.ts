// apimachinery v0.35.0 pkg/util/strategicpatch/patch_test.go, TestStrategicMergePatch: every case of
// createStrategicMergePatchTestCaseData and strategicMergePatchRawTestCases (the data copied verbatim into
// strategicpatchtables.data.ts). The Go test creates the two-way and three-way patches and applies them
// (testPatchApplication); podflow applies patches and creates none, so the rows apply the table's own patches:
// the two-way patch to the original gives twoWayResult (or modified), the three-way patch to the current
// object gives result. The three-way half of a case without a result (a conflict the patch creation reports)
// has nothing to apply and is not a row. The patch-creation half (CreateTwoWayMergePatch,
// CreateThreeWayMergePatch) is left out: podflow does not diff objects.

import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { strategicMergeBy } from "./strategicpatch.js";
import { createStrategicMergePatchTestCaseData, mergeItemSchema, strategicMergePatchRawTestCases } from "./strategicpatchtables.data.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** yamlToJSONOrError then json.Unmarshal: an absent or empty document is null, treated as an empty object. */
const doc = (y: unknown): any => (typeof y === "string" ? (parse(y) ?? {}) : (y ?? {}));
const apply = (original: unknown, patch: unknown) => strategicMergeBy(mergeItemSchema, "MergeItem", doc(original), doc(patch));

interface Case { description: string; original?: unknown; modified?: unknown; current?: unknown; twoWay?: unknown; threeWay?: unknown; result?: unknown; twoWayResult?: unknown }

function rows(cases: Case[]) {
  for (const c of cases) {
    it(`${c.description}/TwoWay`, () => expect(apply(c.original, c.twoWay)).toEqual(doc(c.twoWayResult ?? c.modified)));
    const hasResult = c.result !== undefined && c.result !== null && !(typeof c.result === "string" && c.result.trim() === "");
    if (hasResult) it(`${c.description}/ThreeWay`, () => expect(apply(c.current, c.threeWay)).toEqual(doc(c.result)));
  }
}

describe("TestStrategicMergePatch: createStrategicMergePatchTestCaseData", () => {
  rows((parse(createStrategicMergePatchTestCaseData) as { testCases: Case[] }).testCases);
});

describe("TestStrategicMergePatch: strategicMergePatchRawTestCases", () => {
  rows(strategicMergePatchRawTestCases);
});
