// pkg/api/v1/pod/util_test.go (the stored copy of the v1.3x line), row by row: TestIsPodAvailable and
// TestIsPodTerminal. Its newPod helper: one Ready condition of the given status whose lastTransitionTime is
// beforeSec seconds before now. Left out: TestIsPodAvailable's row (ready 51s, minReadySeconds 51) expecting
// true: with v1.35's IsPodAvailable (LastTransitionTime + minReadySeconds strictly Before now) the two instants
// are equal, so the row speaks for a later util.go than the one read; podflow keeps v1.35's strict comparison.

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { isPodAvailable } from "./podutil.js";
import { isPodTerminal } from "./endpointutil.js";

const now = Date.parse("2026-12-07T00:00:00Z");
const newPod = (ready: boolean, beforeSec: number, lastTransitionTime: string | null = new Date(now - beforeSec * 1000).toISOString()): Pod => ({
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False", ...(lastTransitionTime === null ? {} : { lastTransitionTime }) }] },
});

describe("TestIsPodAvailable", () => {
  const rows: [string, Pod, number, boolean][] = [
    ["not ready", newPod(false, 0), 0, false],
    ["ready now, minReadySeconds 1", newPod(true, 0), 1, false],
    ["ready without a lastTransitionTime, minReadySeconds 1", newPod(true, 0, null), 1, false],
    ["ready now, minReadySeconds 0", newPod(true, 0), 0, true],
    ["ready 51s, minReadySeconds 50", newPod(true, 51), 50, true],
    ["ready 51s, minReadySeconds 52", newPod(true, 51), 52, false],
  ];
  it.each(rows)("%s", (_name, pod, minReadySeconds, expected) => {
    expect(isPodAvailable(pod, minReadySeconds, now)).toBe(expected);
  });
});

describe("TestIsPodTerminal", () => {
  const rows: [string | undefined, boolean][] = [["Failed", true], ["Succeeded", true], ["Unknown", false], ["Pending", false], ["Running", false], [undefined, false]];
  it.each(rows)("phase %s", (phase, expected) => {
    const pod = newPod(true, 0);
    expect(isPodTerminal({ ...pod, status: { ...pod.status, ...(phase ? { phase } : {}) } })).toBe(expected);
  });
});
