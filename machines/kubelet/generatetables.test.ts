// pkg/kubelet/status/generate_test.go (the stored copy after v1.35, whose rows for these three functions
// are v1.35's), row by row: TestGenerateContainersReadyCondition, TestGeneratePodReadyCondition,
// TestGeneratePodInitializedCondition. The Go tests pass an empty old status and compare type, status,
// reason and message (Initialized: type, status and reason).

import { describe, expect, it } from "vitest";
import type { ContainerStatus, PodCondition, PodSpec } from "kubernetes-types/core/v1";
import {
  ContainersNotInitialized, ContainersNotReady, generateContainersReadyCondition, generatePodInitializedCondition, generatePodReadyCondition,
  PodCompleted, ReadinessGatesNotReady, UnknownContainerStatuses,
} from "./status.js";

// The Go helpers: a status with only the name and ready (or started) set.
const readyStatus = (name: string): ContainerStatus => ({ name, ready: true } as ContainerStatus);
const notReadyStatus = (name: string): ContainerStatus => ({ name, ready: false } as ContainerStatus);
const startedStatus = (name: string): ContainerStatus => ({ name, started: true } as ContainerStatus);
const notStartedStatus = (name: string): ContainerStatus => ({ name, started: false } as ContainerStatus);
const cond = (type: string, status: string, reason = "", message = "") => ({ type, status, reason, message });
const view = (c: PodCondition) => ({ type: c.type, status: c.status, reason: c.reason ?? "", message: c.message ?? "" });
const sidecar = (name: string) => ({ name, restartPolicy: "Always" });

const ContainersReadyRows: [PodSpec, ContainerStatus[] | null, string, ReturnType<typeof cond>][] = [
  [{ containers: [] }, null, "Running", cond("ContainersReady", "False", UnknownContainerStatuses)],
  [{ containers: [] }, [], "Running", cond("ContainersReady", "True")],
  [{ containers: [{ name: "1234" }] }, [], "Running", cond("ContainersReady", "False", ContainersNotReady, "containers with unknown status: [1234]")],
  [{ containers: [{ name: "1234" }, { name: "5678" }] }, [readyStatus("1234"), readyStatus("5678")], "Running", cond("ContainersReady", "True")],
  [{ containers: [{ name: "1234" }, { name: "5678" }] }, [readyStatus("1234")], "Running", cond("ContainersReady", "False", ContainersNotReady, "containers with unknown status: [5678]")],
  [{ containers: [{ name: "1234" }, { name: "5678" }] }, [readyStatus("1234"), notReadyStatus("5678")], "Running", cond("ContainersReady", "False", ContainersNotReady, "containers with unready status: [5678]")],
  [{ containers: [{ name: "1234" }] }, [notReadyStatus("1234")], "Succeeded", cond("ContainersReady", "False", PodCompleted)],
  [{ initContainers: [sidecar("restartable-init-1")], containers: [{ name: "regular-1" }] }, [readyStatus("regular-1")], "Running",
    cond("ContainersReady", "False", ContainersNotReady, "containers with unknown status: [restartable-init-1]")],
  [{ initContainers: [sidecar("restartable-init-1"), sidecar("restartable-init-2")], containers: [{ name: "regular-1" }] },
    [readyStatus("restartable-init-1"), readyStatus("restartable-init-2"), readyStatus("regular-1")], "Running", cond("ContainersReady", "True")],
  [{ initContainers: [sidecar("restartable-init-1"), sidecar("restartable-init-2")], containers: [{ name: "regular-1" }] },
    [readyStatus("restartable-init-1"), readyStatus("regular-1")], "Running", cond("ContainersReady", "False", ContainersNotReady, "containers with unknown status: [restartable-init-2]")],
  [{ initContainers: [sidecar("restartable-init-1"), sidecar("restartable-init-2")], containers: [{ name: "regular-1" }] },
    [readyStatus("restartable-init-1"), notReadyStatus("restartable-init-2"), readyStatus("regular-1")], "Running", cond("ContainersReady", "False", ContainersNotReady, "containers with unready status: [restartable-init-2]")],
];

describe("TestGenerateContainersReadyCondition", () => {
  ContainersReadyRows.forEach(([spec, statuses, phase, want], i) => it(`case ${i}`, () => expect(view(generateContainersReadyCondition({ spec }, statuses, phase))).toEqual(want)));
});

describe("TestGeneratePodReadyCondition", () => {
  const gates = (...names: string[]) => names.map((conditionType) => ({ conditionType }));
  const rows: [PodSpec, PodCondition[], ContainerStatus[] | null, string, ReturnType<typeof cond>][] = [
    [{ containers: [] }, [], null, "Running", cond("Ready", "False", UnknownContainerStatuses)],
    [{ containers: [] }, [], [], "Running", cond("Ready", "True")],
    [{ containers: [{ name: "1234" }] }, [], [], "Running", cond("Ready", "False", ContainersNotReady, "containers with unknown status: [1234]")],
    [{ containers: [{ name: "1234" }, { name: "5678" }] }, [], [readyStatus("1234"), readyStatus("5678")], "Running", cond("Ready", "True")],
    [{ containers: [{ name: "1234" }, { name: "5678" }] }, [], [readyStatus("1234")], "Running", cond("Ready", "False", ContainersNotReady, "containers with unknown status: [5678]")],
    [{ containers: [{ name: "1234" }, { name: "5678" }] }, [], [readyStatus("1234"), notReadyStatus("5678")], "Running", cond("Ready", "False", ContainersNotReady, "containers with unready status: [5678]")],
    [{ containers: [{ name: "1234" }] }, [], [notReadyStatus("1234")], "Succeeded", cond("Ready", "False", PodCompleted)],
    [{ containers: [], readinessGates: gates("gate1") }, [], [], "Running", cond("Ready", "False", ReadinessGatesNotReady, `corresponding condition of pod readiness gate "gate1" does not exist.`)],
    [{ containers: [], readinessGates: gates("gate1") }, [{ type: "gate1", status: "False" }], [], "Running", cond("Ready", "False", ReadinessGatesNotReady, `the status of pod readiness gate "gate1" is not "True", but False`)],
    [{ containers: [], readinessGates: gates("gate1") }, [{ type: "gate1", status: "True" }], [], "Running", cond("Ready", "True")],
    [{ containers: [], readinessGates: gates("gate1", "gate2") }, [{ type: "gate1", status: "True" }], [], "Running", cond("Ready", "False", ReadinessGatesNotReady, `corresponding condition of pod readiness gate "gate2" does not exist.`)],
    [{ containers: [], readinessGates: gates("gate1", "gate2") }, [{ type: "gate1", status: "True" }, { type: "gate2", status: "False" }], [], "Running",
      cond("Ready", "False", ReadinessGatesNotReady, `the status of pod readiness gate "gate2" is not "True", but False`)],
    [{ containers: [], readinessGates: gates("gate1", "gate2") }, [{ type: "gate1", status: "True" }, { type: "gate2", status: "True" }], [], "Running", cond("Ready", "True")],
    [{ containers: [{ name: "1234" }], readinessGates: gates("gate1") }, [{ type: "gate1", status: "True" }], [notReadyStatus("1234")], "Running", cond("Ready", "False", ContainersNotReady, "containers with unready status: [1234]")],
  ];
  rows.forEach(([spec, conditions, statuses, phase, want], i) => it(`case ${i}`, () => expect(view(generatePodReadyCondition({ spec }, conditions, statuses, phase))).toEqual(want)));
});

describe("TestGeneratePodInitializedCondition", () => {
  const noInit: PodSpec = { containers: [] };
  const oneInit: PodSpec = { initContainers: [{ name: "1234" }], containers: [{ name: "regular" }] };
  const twoInit: PodSpec = { initContainers: [{ name: "1234" }, { name: "5678" }], containers: [{ name: "regular" }] };
  const oneSidecar: PodSpec = { initContainers: [sidecar("1234")], containers: [{ name: "regular" }] };
  const rows: [string, PodSpec, ContainerStatus[] | null, string, string, string][] = [
    ["two init containers, no statuses", twoInit, null, "Running", "False", UnknownContainerStatuses],
    ["no init containers", noInit, [], "Running", "True", ""],
    ["one init container without status", oneInit, [], "Running", "False", ContainersNotInitialized],
    ["two init containers ready", twoInit, [readyStatus("1234"), readyStatus("5678")], "Running", "True", ""],
    ["two init containers, one status", twoInit, [readyStatus("1234")], "Running", "False", ContainersNotInitialized],
    ["two init containers, one not ready", twoInit, [readyStatus("1234"), notReadyStatus("5678")], "Running", "False", ContainersNotInitialized],
    ["succeeded pod", oneInit, [readyStatus("1234")], "Succeeded", "True", PodCompleted],
    ["sidecar not started", oneSidecar, [notStartedStatus("1234")], "Pending", "False", ContainersNotInitialized],
    ["sidecar started", oneSidecar, [startedStatus("1234")], "Running", "True", ""],
    ["sidecar not started but a regular container running", oneSidecar, [notStartedStatus("1234"), { name: "regular", state: { running: {} } } as ContainerStatus], "Running", "True", ""],
    ["init container waiting but a regular container terminated", oneInit, [{ name: "1234", state: { waiting: {} } } as ContainerStatus, { name: "regular", state: { terminated: {} } } as ContainerStatus], "Running", "True", ""],
  ];
  for (const [name, spec, statuses, phase, status, reason] of rows) {
    it(name, () => {
      const c = generatePodInitializedCondition({ spec }, statuses, phase);
      expect([c.type, c.status, c.reason ?? ""]).toEqual(["Initialized", status, reason]);
    });
  }
});
