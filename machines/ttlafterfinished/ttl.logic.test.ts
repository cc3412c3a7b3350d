// Rows of pkg/controller/ttlafterfinished/ttlafterfinished_controller_test.go TestTimeLeft: a Job
// with a Complete or Failed condition (True) at the given time and the given TTL; "should not be
// cleaned up" (no TTL, or not finished) is podflow's undefined.
import { describe, it, expect } from "vitest";
import type { Job } from "kubernetes-types/batch/v1";
import { rfc3339 } from "../common/time.js";
import { finishTimeMs, timeLeftMs } from "./ttl.logic.js";

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

// newJob: conditions for a completion and/or a failure time, and the TTL when given.
function newJob(completionMs: number | undefined, failedMs: number | undefined, ttl: number | undefined): Job {
  const conditions = [
    ...(completionMs !== undefined ? [{ type: "Complete", status: "True", lastTransitionTime: rfc3339(completionMs) }] : []),
    ...(failedMs !== undefined ? [{ type: "Failed", status: "True", lastTransitionTime: rfc3339(failedMs) }] : []),
  ];
  return {
    kind: "Job", metadata: { name: "foobar", namespace: "default" },
    spec: { selector: { matchLabels: { foo: "bar" } }, template: { metadata: { labels: { foo: "bar" } }, spec: { containers: [{ name: "", image: "foo/bar" }] } }, ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}) },
    status: { conditions },
  };
}

describe("timeLeftMs (TestTimeLeft)", () => {
  it.each([
    ["Error case: Job unfinished", undefined, undefined, 100, undefined],
    ["Error case: Job completed now, no TTL", now, undefined, undefined, undefined],
    ["Job completed now, 0s TTL", now, undefined, 0, 0],
    ["Job completed now, 10s TTL", now, undefined, 10, 10],
    ["Job completed 10s ago, 15s TTL", now - 10_000, undefined, 15, 5],
    ["Error case: Job failed now, no TTL", undefined, now, undefined, undefined],
    ["Job failed now, 0s TTL", undefined, now, 0, 0],
    ["Job failed now, 10s TTL", undefined, now, 10, 10],
    ["Job failed 10s ago, 15s TTL", undefined, now - 10_000, 15, 5],
  ])("%s", (_n, completion, failed, ttl, leftSeconds) => {
    const left = timeLeftMs(newJob(completion, failed, ttl), now);
    if (leftSeconds === undefined) {
      expect(left).toBeUndefined();
      return;
    }
    const job = newJob(completion, failed, ttl);
    expect(left).toBe(leftSeconds * 1000);
    // expectedExpireAt: the finish time plus the TTL
    expect(finishTimeMs(job)! + ttl! * 1000).toBe(now + leftSeconds * 1000);
  });
});
