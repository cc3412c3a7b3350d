// kubectl get jobs: printJob's columns and cells (pkg/printers/internalversion/printers.go, v1.35).

import { describe, expect, it } from "vitest";
import { renderTable, tableFor } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
const cond = (type: string, status = "True") => ({ type, status });
function job(spec: any, status: any, meta: any = {}): any {
  return { metadata: { name: "job1", creationTimestamp: ago(600_000), ...meta }, spec: { template: { spec: { containers: [{ name: "c", image: "busybox" }] } }, selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } }, ...spec }, status };
}

describe("printJob", () => {
  const rows: [string, any, string[]][] = [
    ["A running Job shows succeeded/completions and the time since it started.",
      job({ completions: 2, parallelism: 1 }, { succeeded: 1, startTime: ago(65_000) }), ["job1", "Running", "1/2", "65s", "10m"]],
    ["A Job that has not started has no duration.",
      job({ completions: 1 }, {}), ["job1", "Running", "0/1", "", "10m"]],
    ["A complete Job shows the time from start to completion.",
      job({ completions: 1 }, { succeeded: 1, startTime: ago(600_000), completionTime: ago(593_000), conditions: [cond("SuccessCriteriaMet"), cond("Complete")] }), ["job1", "Complete", "1/1", "7s", "10m"]],
    ["Without completions and with parallelism above 1, completions reads 0/1 of N.",
      job({ parallelism: 3 }, { startTime: ago(5_000) }), ["job1", "Running", "0/1 of 3", "5s", "10m"]],
    ["Failed wins over Terminating, which wins over the remaining conditions.",
      job({ completions: 1 }, { failed: 3, startTime: ago(60_000), conditions: [cond("FailureTarget"), cond("Failed")] }, { deletionTimestamp: ago(1000) }), ["job1", "Failed", "0/1", "60s", "10m"]],
    ["A Job being deleted is Terminating.",
      job({ completions: 1 }, { startTime: ago(60_000), conditions: [cond("FailureTarget")] }, { deletionTimestamp: ago(1000) }), ["job1", "Terminating", "0/1", "60s", "10m"]],
    ["A suspended Job is Suspended; a False condition does not count.",
      job({ completions: 1, suspend: true }, { conditions: [cond("Suspended")] }), ["job1", "Suspended", "0/1", "", "10m"]],
    ["FailureTarget shows until Failed is written.",
      job({ completions: 1 }, { startTime: ago(60_000), conditions: [cond("Suspended", "False"), cond("FailureTarget")] }), ["job1", "FailureTarget", "0/1", "60s", "10m"]],
    ["SuccessCriteriaMet shows until Complete is written.",
      job({ completions: 1 }, { succeeded: 1, startTime: ago(60_000), conditions: [cond("SuccessCriteriaMet")] }), ["job1", "SuccessCriteriaMet", "1/1", "60s", "10m"]],
  ];
  it.each(rows)("%s", (_n, j, want) => expect(tableFor("Job", [j], { now }).rows[0]!.cells).toEqual(want));

  it("has kubectl's columns, the wide ones adding containers, images and the selector", () => {
    const t = tableFor("Job", [job({ completions: 1 }, {})], { now, wide: true });
    expect(t.columns.map((c) => `${c.name}${c.priority ? "*" : ""}`)).toEqual(["Name", "Status", "Completions", "Duration", "Age", "Containers*", "Images*", "Selector*"]);
    expect(t.rows[0]!.cells.slice(5)).toEqual(["c", "busybox", "batch.kubernetes.io/controller-uid=u1"]);
  });

  it("renders as kubectl get jobs prints it", () => {
    const t = tableFor("Job", [job({ completions: 1 }, { succeeded: 1, startTime: ago(600_000), completionTime: ago(593_000), conditions: [cond("Complete")] }, { name: "pi" })], { now });
    expect(renderTable(t, {}).split("\n").slice(0, 2)).toEqual([
      "NAME   STATUS     COMPLETIONS   DURATION   AGE",
      "pi     Complete   1/1           7s         10m",
    ]);
  });
});
