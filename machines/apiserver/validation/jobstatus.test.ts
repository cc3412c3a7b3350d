// jobs/status: the Job status strategy's ValidateUpdate, rows in the manner of Kubernetes'
// TestStatusStrategy_ValidateUpdate (pkg/registry/batch/job) and TestValidateJobUpdateStatus
// (pkg/apis/batch/validation); each expectation is the rule of validateJobStatus /
// ValidateJobStatusUpdate under the options getStatusValidationOptions gives (JobManagedBy on).

import { describe, it, expect } from "vitest";
import { validateUpdate } from "./index.js";
import { brief, messages } from "./testing.js";


const t0 = "2026-01-01T00:00:00Z";
const t1 = "2026-01-01T00:01:00Z";
const cond = (type: string, status = "True") => ({ type, status, lastProbeTime: t1, lastTransitionTime: t1, reason: "X", message: "" });

function job(status: any, spec: any = {}): any {
  return {
    apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi", namespace: "default", resourceVersion: "1", uid: "u1" },
    spec: { completions: 5, parallelism: 5, backoffLimit: 6, completionMode: "NonIndexed", ...spec, template: { metadata: {}, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "perl" }] } } },
    status,
  };
}

describe("TestStatusStrategy_ValidateUpdate (jobs/status)", () => {
  const rows: [string, any, any, string[]][] = [
    ["valid: counters move forward", job({ active: 2, startTime: t0 }), job({ active: 1, succeeded: 1, startTime: t0 }), []],
    ["invalid: negative counters", job({}), job({ active: -1, succeeded: -1, failed: -1, ready: -1, terminating: -1 }), [
      "FieldValueInvalid status.active", "FieldValueInvalid status.succeeded", "FieldValueInvalid status.failed", "FieldValueInvalid status.ready", "FieldValueInvalid status.terminating",
      // then, in ValidateJobStatusUpdate, both counters went down from 0
      "FieldValueInvalid status.failed", "FieldValueInvalid status.succeeded",
    ]],
    ["invalid: the failed counter decreases", job({ failed: 3, startTime: t0 }), job({ failed: 2, startTime: t0 }), ["FieldValueInvalid status.failed"]],
    ["invalid: the succeeded counter decreases for a NonIndexed Job", job({ succeeded: 3, startTime: t0 }), job({ succeeded: 2, startTime: t0 }), ["FieldValueInvalid status.succeeded"]],
    ["valid: the succeeded counter decreases for an Indexed Job with completions == parallelism (scaled down)",
      job({ succeeded: 3, startTime: t0 }, { completionMode: "Indexed" }), job({ succeeded: 2, startTime: t0 }, { completionMode: "Indexed" }), []],
    ["invalid: a terminal Complete condition is removed", job({ succeeded: 5, startTime: t0, completionTime: t1, conditions: [cond("SuccessCriteriaMet"), cond("Complete")] }),
      job({ succeeded: 5, startTime: t0, completionTime: t1, conditions: [cond("SuccessCriteriaMet")] }), ["FieldValueInvalid status.completionTime", "FieldValueInvalid status.conditions"]],
    ["invalid: Complete and Failed together", job({ startTime: t0 }), job({ startTime: t0, completionTime: t1, conditions: [cond("Complete"), cond("Failed")] }), ["FieldValueInvalid status.conditions"]],
    ["invalid: Complete without completionTime", job({ startTime: t0 }), job({ startTime: t0, conditions: [cond("Complete")] }), ["FieldValueRequired status.completionTime"]],
    ["invalid: completionTime without Complete", job({ startTime: t0 }), job({ startTime: t0, completionTime: t1 }), ["FieldValueInvalid status.completionTime"]],
    ["invalid: completionTime before startTime", job({ startTime: t1 }), job({ startTime: t1, completionTime: t0, conditions: [cond("Complete")] }), ["FieldValueInvalid status.completionTime"]],
    ["invalid: a finished Job with active pods", job({ active: 1, startTime: t0 }), job({ active: 1, startTime: t0, conditions: [cond("FailureTarget"), cond("Failed")] }), ["FieldValueInvalid status.active"]],
    ["invalid: a finished Job without startTime", job({}), job({ conditions: [cond("FailureTarget"), cond("Failed")] }), ["FieldValueRequired status.startTime"]],
    ["invalid: startTime removed for an unsuspended Job", job({ startTime: t0 }), job({}), ["FieldValueRequired status.startTime"]],
    ["valid: startTime removed for a suspended Job", job({ startTime: t0 }, { suspend: true }), job({}, { suspend: true }), []],
    // "verify startTime can be updated when resuming job (JobSuspended: True -> False)" (kubernetes#134769)
    ["valid: startTime updated when resuming a Job (Suspended True -> False)", job({ startTime: t0, conditions: [cond("Suspended")] }), job({ startTime: t1, conditions: [cond("Suspended", "False")] }), []],
    ["invalid: startTime updated for an unsuspended Job still Suspended=True", job({ startTime: t0, conditions: [cond("Suspended")] }), job({ startTime: t1, conditions: [cond("Suspended")] }), ["FieldValueRequired status.startTime"]],
    ["invalid: completedIndexes for a NonIndexed Job", job({ startTime: t0 }), job({ startTime: t0, completedIndexes: "0-2" }), ["FieldValueInvalid status.completedIndexes"]],
    ["invalid: completedIndexes beyond completions", job({ startTime: t0 }, { completionMode: "Indexed" }), job({ startTime: t0, completedIndexes: "0,7" }, { completionMode: "Indexed" }), ["FieldValueInvalid status.completedIndexes"]],
    ["invalid: failedIndexes without backoffLimitPerIndex", job({ startTime: t0 }, { completionMode: "Indexed" }), job({ startTime: t0, failedIndexes: "1" }, { completionMode: "Indexed" }), ["FieldValueInvalid status.failedIndexes"]],
    ["invalid: failedIndexes overlapping completedIndexes", job({ startTime: t0 }, { completionMode: "Indexed", backoffLimitPerIndex: 1 }),
      job({ startTime: t0, completedIndexes: "0-2", failedIndexes: "2,4" }, { completionMode: "Indexed", backoffLimitPerIndex: 1 }), ["FieldValueInvalid status.failedIndexes"]],
    ["valid: a rule the old status already broke is not enforced while its fields stay", job({ startTime: t0, completedIndexes: "0-9" }, { completionMode: "Indexed" }),
      job({ startTime: t0, completedIndexes: "0-9", active: 1 }, { completionMode: "Indexed" }), []],
    ["invalid: uncounted pods that repeat or are empty", job({ startTime: t0 }), job({ startTime: t0, uncountedTerminatedPods: { succeeded: ["a", ""], failed: ["a"] } }), [
      "FieldValueInvalid status.uncountedTerminatedPods.succeeded[1]", "FieldValueDuplicate status.uncountedTerminatedPods.failed[0]",
    ]],
    ["invalid: SuccessCriteriaMet with FailureTarget", job({ startTime: t0 }, { completionMode: "Indexed" }), job({ startTime: t0, conditions: [cond("SuccessCriteriaMet"), cond("FailureTarget")] }, { completionMode: "Indexed" }), ["FieldValueInvalid status.conditions"]],
  ];
  for (const [name, old, next, want] of rows) it(name, () => expect(brief(validateUpdate(next, old, "status"))).toEqual(want));

  it("the messages are Kubernetes' own, with the omitted value on conditions", () => {
    expect(messages(validateUpdate(job({ startTime: t0, completionTime: t1, conditions: [cond("Complete"), cond("Failed")] }), job({ startTime: t0 }), "status"))).toEqual([
      "status.conditions: Invalid value: cannot set Complete=True and Failed=true conditions",
    ]);
    expect(messages(validateUpdate(job({ startTime: t0, completedIndexes: "3-1" }, { completionMode: "Indexed" }), job({ startTime: t0 }, { completionMode: "Indexed" }), "status"))).toEqual([
      'status.completedIndexes: Invalid value: "3-1": error parsing completedIndexes: non-increasing order, previous: 3, current: 1',
    ]);
  });
});
