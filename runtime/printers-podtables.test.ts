// pkg/printers/internalversion/printers_test.go (the v1.3x copy with the unknown-status rows): TestPrintPod and
// TestPrintPodWithRestartableInitContainer, every row: cells and row conditions of printPod. The Go pods are
// internal objects with `make([]api.Container, n)`, so their containers and statuses are nameless ("" matches
// ""); times are "now minus" offsets, here from a fixed now.
import { describe, expect, it } from "vitest";
import { tableFor } from "./printers.js";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
const S = 1000;
const DAY = 86_400_000;
const nameless = (n: number) => Array.from({ length: n }, () => ({ name: "" }));
const st = (extra: object) => ({ name: "", image: "", imageID: "", ready: false, restartCount: 0, ...extra });
const finished = (ms: number) => ({ terminated: { exitCode: 0, finishedAt: ago(ms) } });
const podSuccessConditions = [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }];
const podFailedConditions = [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
const row = (o: object) => {
  const r = tableFor("Pod", [o], { now }).rows[0]!;
  return r.conditions ? { cells: r.cells, conditions: r.conditions } : { cells: r.cells };
};
const pod = (name: string, spec: object, status: object, meta: object = {}) => ({ metadata: { name, ...meta }, spec, status });
const two = { containers: nameless(2) };
const one = { containers: nameless(1) };
const runningReady3 = st({ ready: true, restartCount: 3, state: { running: {} } });

describe("TestPrintPod", () => {
  const rows: [string, object, object][] = [
    ["name, containers, restarts and readiness", pod("test1", two, { phase: "podPhase", containerStatuses: [runningReady3, st({ restartCount: 3 })] }),
      { cells: ["test1", "1/2", "podPhase", "6", "<unknown>"] }],
    ["a container's waiting reason overwrites the phase", pod("test2", two, { phase: "podPhase", containerStatuses: [runningReady3, st({ restartCount: 3, state: { waiting: { reason: "ContainerWaitingReason" } } })] }),
      { cells: ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"] }],
    ["the first container's reason overwrites the rest", pod("test3", two, { phase: "podPhase", containerStatuses: [
      st({ restartCount: 3, state: { waiting: { reason: "ContainerWaitingReason" } } }), st({ restartCount: 3, state: { terminated: { exitCode: 0, reason: "ContainerTerminatedReason" } } })] }),
      { cells: ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"] }],
    ["ready is not enough for running", pod("test4", two, { phase: "podPhase", containerStatuses: [runningReady3, st({ ready: true, restartCount: 3 })] }),
      { cells: ["test4", "1/2", "podPhase", "6", "<unknown>"] }],
    ["the pod's reason", pod("test5", two, { reason: "podReason", phase: "podPhase", containerStatuses: [runningReady3, st({ ready: true, restartCount: 3 })] }),
      { cells: ["test5", "1/2", "podReason", "6", "<unknown>"] }],
    ["one running and one completed container, no Ready condition", pod("test6", two, { phase: "Running", containerStatuses: [
      st({ ready: true, restartCount: 3, state: { terminated: { reason: "Completed", exitCode: 0 } } }), runningReady3] }),
      { cells: ["test6", "1/2", "NotReady", "6", "<unknown>"] }],
    ["one running and one completed container, Ready", pod("test6", two, { phase: "Running", conditions: [{ type: "Ready", status: "True", lastProbeTime: ago(0) }], containerStatuses: [
      st({ ready: true, restartCount: 3, state: { terminated: { reason: "Completed", exitCode: 0 } } }), runningReady3] }),
      { cells: ["test6", "1/2", "Running", "6", "<unknown>"] }],
    ["an init container restarting, the container not running", pod("test7", { initContainers: nameless(1), containers: nameless(1) }, { phase: "podPhase",
      initContainerStatuses: [st({ restartCount: 3, state: { running: {} }, lastState: finished(10 * S) })], containerStatuses: [st({ state: { waiting: {} } })] }),
      { cells: ["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"] }],
    ["two init containers, the first restarting", pod("test8", { initContainers: nameless(2), containers: nameless(1) }, { phase: "podPhase",
      initContainerStatuses: [st({ restartCount: 3, state: { running: {} }, lastState: finished(10 * S) }), st({ state: { waiting: {} } })], containerStatuses: [st({ state: { waiting: {} } })] }),
      { cells: ["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"] }],
    ["two init containers, the first done without restarts, the second restarting", pod("test9", { initContainers: nameless(2), containers: nameless(1) }, { phase: "podPhase",
      initContainerStatuses: [st({ state: { terminated: { exitCode: 0 } } }), st({ restartCount: 3, state: { running: {} }, lastState: finished(10 * S) })], containerStatuses: [st({ state: { waiting: {} } })] }),
      { cells: ["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"] }],
    ["two init containers, the first done with restarts, the second restarting", pod("test10", { initContainers: nameless(2), containers: nameless(1) }, { phase: "podPhase",
      initContainerStatuses: [st({ restartCount: 2, state: { terminated: { exitCode: 0 } }, lastState: finished(120 * S) }), st({ restartCount: 3, state: { running: {} }, lastState: finished(10 * S) })],
      containerStatuses: [st({ state: { waiting: {} } })] }),
      { cells: ["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"] }],
    ["an init container done with restarts, the container restarting", pod("test11", { initContainers: nameless(1), containers: nameless(1) }, { phase: "Running",
      initContainerStatuses: [st({ restartCount: 2, state: { terminated: { exitCode: 0 } }, lastState: finished(120 * S) })],
      containerStatuses: [st({ restartCount: 4, state: { running: {} }, lastState: finished(20 * S) })] }),
      { cells: ["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"] }],
    ["a container restarted 5d ago", pod("test12", one, { phase: "Running", containerStatuses: [st({ ready: true, restartCount: 3, state: { running: {} }, lastState: finished(5 * DAY) })] }),
      { cells: ["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"] }],
    ["one container never restarted, the other 10d ago", pod("test13", two, { phase: "Running", containerStatuses: [
      st({ ready: true, state: { running: {} } }), st({ ready: true, restartCount: 3, state: { running: {} }, lastState: finished(10 * DAY) })] }),
      { cells: ["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"] }],
    ["restarted 5d and 20d ago: the latest wins", pod("test14", two, { phase: "Running", containerStatuses: [
      st({ ready: true, restartCount: 6, state: { running: {} }, lastState: finished(5 * DAY) }), st({ ready: true, restartCount: 3, state: { running: {} }, lastState: finished(20 * DAY) })] }),
      { cells: ["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"] }],
    ["PodScheduled False with reason SchedulingGated", pod("test15", two, { phase: "podPhase", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] }),
      { cells: ["test15", "0/2", "SchedulingGated", "0", "<unknown>"] }],
    ["a succeeded pod", pod("test16", one, { phase: "Succeeded", containerStatuses: [st({ state: { terminated: { reason: "Completed", exitCode: 0 } } })] }),
      { cells: ["test16", "0/1", "Completed", "0", "<unknown>"], conditions: podSuccessConditions }],
    ["a failed pod", pod("test17", one, { phase: "Failed", containerStatuses: [st({ state: { terminated: { reason: "Error", exitCode: 1 } } })] }),
      { cells: ["test17", "0/1", "Error", "0", "<unknown>"], conditions: podFailedConditions }],
    ["a succeeded pod being deleted", pod("test18", one, { phase: "Succeeded", containerStatuses: [st({ state: { terminated: { reason: "Completed", exitCode: 0 } } })] }, { deletionTimestamp: ago(10 * S) }),
      { cells: ["test18", "0/1", "Completed", "0", "<unknown>"], conditions: podSuccessConditions }],
    ["a running pod being deleted", pod("test19", one, { phase: "Running", containerStatuses: [st({ state: { running: {} } })] }, { deletionTimestamp: ago(10 * S) }),
      { cells: ["test19", "0/1", "Terminating", "0", "<unknown>"] }],
    ["a pending pod being deleted", pod("test20", one, { phase: "Pending" }, { deletionTimestamp: ago(10 * S) }),
      { cells: ["test20", "0/1", "Terminating", "0", "<unknown>"] }],
  ];
  it.each(rows)("%s", (_n, p, want) => expect(row(p)).toEqual(want));
});

describe("TestPrintPodWithRestartableInitContainer", () => {
  const sidecars = { initContainers: [{ name: "restartable-init-1", restartPolicy: "Always" }, { name: "restartable-init-2", restartPolicy: "Always" }], containers: nameless(1) };
  const first = (started: boolean, state: object = { running: {} }) => st({ name: "restartable-init-1", restartCount: 3, state, started, lastState: finished(10 * S) });
  const second = (started: boolean, state: object) => st({ name: "restartable-init-2", state, started });
  const rows: [string, object, object][] = [
    ["two sidecars, the first running but not started", pod("test1", sidecars, { phase: "Pending", conditions: [{ type: "Initialized", status: "False" }],
      initContainerStatuses: [first(false), second(false, { waiting: {} })], containerStatuses: [st({ state: { waiting: {} } })] }),
      { cells: ["test1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"] }],
    ["the first sidecar started, the second running but not started", pod("test1", sidecars, { phase: "Pending", conditions: [{ type: "Initialized", status: "False" }],
      initContainerStatuses: [first(true), second(false, { running: {} })], containerStatuses: [st({ state: { waiting: {} } })] }),
      { cells: ["test1", "0/3", "Init:1/2", "3 (10s ago)", "<unknown>"] }],
    ["both sidecars started and the container running", pod("test2", sidecars, { phase: "Running", conditions: [{ type: "Initialized", status: "True" }],
      initContainerStatuses: [first(true), second(true, { running: {} })], containerStatuses: [st({ ready: true, restartCount: 4, state: { running: {} }, lastState: finished(20 * S) })] }),
      { cells: ["test2", "1/3", "Running", "7 (10s ago)", "<unknown>"] }],
    ["both sidecars ended with errors and the container completed", pod("test3", sidecars, { phase: "Succeeded", conditions: [{ type: "Initialized", status: "True" }],
      initContainerStatuses: [first(false, { terminated: { reason: "Error", exitCode: 137 } }), second(false, { terminated: { reason: "Error", exitCode: 137 } })],
      containerStatuses: [st({ restartCount: 4, state: { terminated: { reason: "Completed", exitCode: 0 } }, lastState: finished(20 * S) })] }),
      { cells: ["test3", "0/3", "Completed", "7 (10s ago)", "<unknown>"], conditions: podSuccessConditions }],
    ["statuses of containers the spec does not have", pod("test4", {
      initContainers: [{ name: "init1", image: "initimage" }, { name: "sidecar1", image: "sidecarimage", restartPolicy: "Always" }], containers: [{ name: "container1", image: "containerimage" }] },
      { phase: "Running", initContainerStatuses: [{ name: "initinvalid" }, { name: "init1" }, { name: "sidecar1" }], containerStatuses: [{ name: "containerinvalid" }, { name: "container1" }] }),
      { cells: ["test4", "0/2", "Init:0/2", "0", "<unknown>"] }],
  ];
  it.each(rows)("%s", (_n, p, want) => expect(row(p)).toEqual(want));
});
