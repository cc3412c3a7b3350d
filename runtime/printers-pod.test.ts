// pkg/printers/internalversion/printers_test.go (v1.35): TestPrintPodConditions, TestPrintPodList and
// TestPrintNonTerminatedPod, row by row: cells and the row conditions printPod sets for a finished pod.
import { describe, expect, it } from "vitest";
import { tableFor } from "./printers.js";
import { toTable } from "./server/tables.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const podSuccessConditions = [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }];
const podFailedConditions = [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
const running = { ready: true, restartCount: 3, state: { running: {} } };
const pod = (name: string, phase: string, second: object = { restartCount: 3 }, labels?: Record<string, string>) => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { containers: [{ name: "" }, { name: "" }] },
  status: { phase, containerStatuses: [running, second] },
});
const row = (o: object) => {
  const r = tableFor("Pod", [o], { now }).rows[0]!;
  return r.conditions ? { cells: r.cells, conditions: r.conditions } : { cells: r.cells };
};

describe("TestPrintPodConditions", () => {
  const rows: [string, object, object][] = [
    ["a running pod has no row condition", pod("test1", "Running", undefined, { a: "1", b: "2" }), { cells: ["test1", "1/2", "Running", "6", "<unknown>"] }],
    ["a succeeded pod is Completed: Succeeded", pod("test1", "Succeeded", undefined, { a: "1", b: "2" }), { cells: ["test1", "1/2", "Succeeded", "6", "<unknown>"], conditions: podSuccessConditions }],
    ["a failed pod is Completed: Failed", pod("test2", "Failed", undefined, { b: "2" }), { cells: ["test2", "1/2", "Failed", "6", "<unknown>"], conditions: podFailedConditions }],
  ];
  for (const [name, p, want] of rows) it(name, () => expect(row(p)).toEqual(want));
});

describe("TestPrintPodList", () => {
  it("each pod of the list is a row", () => {
    const pods = [
      { metadata: { name: "test1" }, spec: { containers: [{ name: "" }, { name: "" }] }, status: { phase: "podPhase", containerStatuses: [running, running] } },
      { metadata: { name: "test2" }, spec: { containers: [{ name: "" }] }, status: { phase: "podPhase", containerStatuses: [{ ready: true, restartCount: 1, state: { running: {} } }] } },
    ];
    expect(tableFor("Pod", pods, { now }).rows.map((r) => r.cells)).toEqual([["test1", "2/2", "podPhase", "6", "<unknown>"], ["test2", "1/1", "podPhase", "1", "<unknown>"]]);
  });
});

describe("TestPrintNonTerminatedPod", () => {
  const rows: [object, object][] = [
    [pod("test1", "Running"), { cells: ["test1", "1/2", "Running", "6", "<unknown>"] }],
    [pod("test2", "Pending"), { cells: ["test2", "1/2", "Pending", "6", "<unknown>"] }],
    [pod("test3", "Unknown"), { cells: ["test3", "1/2", "Unknown", "6", "<unknown>"] }],
    [pod("test4", "Succeeded"), { cells: ["test4", "1/2", "Succeeded", "6", "<unknown>"], conditions: podSuccessConditions }],
    [pod("test5", "Failed", { ready: true, restartCount: 3 }), { cells: ["test5", "1/2", "Failed", "6", "<unknown>"], conditions: podFailedConditions }],
  ];
  for (const [p, want] of rows) it(`${(want as { cells: string[] }).cells[2]}`, () => expect(row(p)).toEqual(want));
});

describe("the served Table", () => {
  it("carries a finished pod's row conditions between its cells and its object, as metav1.TableRow marshals", () => {
    const t = toTable("Pod", [pod("test4", "Succeeded")], { now, include: "None" }) as { rows: object[] };
    expect(JSON.stringify(t.rows[0])).toBe(JSON.stringify({ cells: ["test4", "1/2", "Succeeded", "6", "<unknown>", "<none>", "<none>", "<none>", "<none>"], conditions: podSuccessConditions }));
  });
});
