// TestValidateReplicaSetStatus(Update), TestValidateDeploymentStatus(Update) and TestValidateDaemonSetStatusUpdate (pkg/apis/apps/validation/
// validation_test.go, v1.35), row by row.

import { describe, it, expect } from "vitest";
import { validateDeploymentStatus, validateReplicaSetStatus } from "./apps.js";
import { validateUpdate } from "./index.js";
import { makePod } from "./testing.js";


describe("TestValidateReplicaSetStatus", () => {
  // [name, replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration, expectedErr]
  const rows: [string, number, number, number, number, number, boolean][] = [
    ["valid status", 3, 3, 2, 1, 2, false],
    ["invalid replicas", -1, 3, 2, 1, 2, true],
    ["invalid fullyLabeledReplicas", 3, -1, 2, 1, 2, true],
    ["invalid readyReplicas", 3, 3, -1, 1, 2, true],
    ["invalid availableReplicas", 3, 3, 3, -1, 2, true],
    ["invalid observedGeneration", 3, 3, 3, 3, -1, true],
    ["fullyLabeledReplicas greater than replicas", 3, 4, 3, 3, 1, true],
    ["readyReplicas greater than replicas", 3, 3, 4, 3, 1, true],
    ["availableReplicas greater than replicas", 3, 3, 3, 4, 1, true],
    ["availableReplicas greater than readyReplicas", 3, 3, 2, 3, 1, true],
  ];
  for (const [name, replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration, expectedErr] of rows) {
    it(name, () => expect(validateReplicaSetStatus({ replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration }, "status").length > 0).toBe(expectedErr));
  }
});

describe("TestValidateReplicaSetStatusUpdate (through replicasets/status)", () => {
  const rs = (name: string, replicas: number | undefined, statusReplicas: number): any => ({
    apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name, namespace: "default", resourceVersion: "1" },
    spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: makePod("").spec } },
    status: { replicas: statusReplicas },
  });
  it("a status with more replicas than the spec asks is valid", () => expect(validateUpdate(rs("abc", 3, 4), rs("abc", undefined, 2), "status")).toEqual([]));
  it("negative replicas", () => expect(validateUpdate(rs("abc", 2, -3), rs("", undefined, 3), "status").length).toBeGreaterThan(0));
});

describe("TestValidateDeploymentStatus", () => {
  // [name, replicas, updatedReplicas, readyReplicas, availableReplicas, observedGeneration, collisionCount, expectedErr]
  const rows: [string, number, number, number, number, number, number | undefined, boolean][] = [
    ["valid status", 3, 3, 2, 1, 2, undefined, false],
    ["invalid replicas", -1, 2, 2, 1, 2, undefined, true],
    ["invalid updatedReplicas", 2, -1, 2, 1, 2, undefined, true],
    ["invalid readyReplicas", 3, 0, -1, 1, 2, undefined, true],
    ["invalid availableReplicas", 3, 0, 3, -1, 2, undefined, true],
    ["invalid observedGeneration", 3, 0, 3, 3, -1, undefined, true],
    ["updatedReplicas greater than replicas", 3, 4, 3, 3, 1, undefined, true],
    ["readyReplicas greater than replicas", 3, 0, 4, 3, 1, undefined, true],
    ["availableReplicas greater than replicas", 3, 0, 3, 4, 1, undefined, true],
    ["availableReplicas greater than readyReplicas", 3, 0, 2, 3, 1, undefined, true],
    ["invalid collisionCount", 3, 0, 0, 0, 1, -3, true],
  ];
  for (const [name, replicas, updatedReplicas, readyReplicas, availableReplicas, observedGeneration, collisionCount, expectedErr] of rows) {
    it(name, () => {
      const status = { replicas, updatedReplicas, readyReplicas, availableReplicas, observedGeneration, ...(collisionCount === undefined ? {} : { collisionCount }) };
      expect(validateDeploymentStatus(status, "status").length > 0).toBe(expectedErr);
    });
  }
});

describe("TestValidateDeploymentStatusUpdate (through deployments/status)", () => {
  const d = (collisionCount?: number): any => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "foo", namespace: "default", resourceVersion: "1" }, status: collisionCount === undefined ? {} : { collisionCount } });
  const rows: [string, number | undefined, number | undefined, boolean][] = [
    ["increase: valid update", undefined, 1, false],
    ["stable: valid update", 1, 1, false],
    ["unset: invalid update", 1, undefined, true],
    ["decrease: invalid update", 2, 1, true],
  ];
  for (const [name, from, to, expectedErr] of rows) it(name, () => expect(validateUpdate(d(to), d(from), "status").length > 0).toBe(expectedErr));
});

describe("TestValidateDaemonSetStatusUpdate (through daemonsets/status)", () => {
  const base = { currentNumberScheduled: 1, numberMisscheduled: 2, desiredNumberScheduled: 3, numberReady: 1, observedGeneration: 3, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 2 };
  const ds = (status: any): any => ({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "abc", namespace: "default", resourceVersion: "10" }, status });
  it("success: fewer misscheduled", () => {
    const { observedGeneration: _old, ...oldStatus } = base;
    const { observedGeneration: _new, ...newStatus } = { ...base, numberMisscheduled: 1 };
    expect(validateUpdate(ds(newStatus), ds(oldStatus), "status")).toEqual([]);
  });
  const errorRows: [string, any][] = [
    ["negative values", { currentNumberScheduled: -1, numberMisscheduled: -1, desiredNumberScheduled: -3, numberReady: -1, observedGeneration: -3, updatedNumberScheduled: -1, numberAvailable: -1, numberUnavailable: -2 }],
    ["negative CurrentNumberScheduled", { ...base, numberMisscheduled: 1, currentNumberScheduled: -1 }],
    ["negative NumberMisscheduled", { ...base, numberMisscheduled: -1 }],
    ["negative DesiredNumberScheduled", { ...base, numberMisscheduled: 1, desiredNumberScheduled: -3 }],
    ["negative NumberReady", { ...base, numberMisscheduled: 1, numberReady: -1 }],
    ["negative ObservedGeneration", { ...base, numberMisscheduled: 1, observedGeneration: -3 }],
    ["negative UpdatedNumberScheduled", { ...base, numberMisscheduled: 1, updatedNumberScheduled: -1 }],
    ["negative NumberAvailable", { ...base, numberMisscheduled: 1, numberAvailable: -1 }],
    ["negative NumberUnavailable", { ...base, numberMisscheduled: 1, numberUnavailable: -2 }],
  ];
  for (const [name, status] of errorRows) it(`failure: ${name}`, () => expect(validateUpdate(ds(status), ds(base), "status").length).toBeGreaterThan(0));
});
