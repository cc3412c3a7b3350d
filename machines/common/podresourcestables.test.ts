// k8s.io/component-helpers resource/helpers_test.go (the v1.3x copy with pod-level resources): TestPodResourceRequests,
// TestPodResourceLimits and TestPodLevelResourceRequests, row by row, against both of podflow's ports of
// PodRequests/PodLimits: the scheduler's (resourcehelper.podRequests, numbers: cpu in millicores, the rest in
// units) and the quota evaluator's (quota.podResourceAmounts, exact quantities, UseStatusResources always on as
// InPlacePodVerticalScaling is GA). Left out: the ExcludeOverhead rows (no caller in podflow excludes overhead), the
// SkipPodLevelResources rows (PodLevelResources is on), for the quota port the "don't use status" rows, and
// TestPodResourceLimits' "aggregate limit resolves max of sums instead of sum of maxes": that row is newer than
// v1.35, whose AggregateContainerLimits (and helpers_per_res.go's determineEffectiveResource) takes each container's
// max of spec and status, then sums (4 there, not 3).
import { describe, expect, it } from "vitest";
import { cmpQuantity, parseGoQuantity, type GoQuantity } from "./goquantity.js";
import { intValue, milliValue } from "./quantity.js";
import { podResourceAmounts } from "./quota.js";
import { podRequests } from "./resourcehelper.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type RL = Record<string, string>;
interface Row { useStatus?: boolean; overhead?: RL; podResources?: object; init?: any[]; containers?: any[]; initStatuses?: any[]; statuses?: any[]; resize?: boolean; want: RL }

const req = (r: RL, extra: object = {}) => ({ resources: { requests: r }, ...extra });
const lim = (r: RL, extra: object = {}) => ({ resources: { limits: r }, ...extra });
const always = { restartPolicy: "Always" };
const infeasible = [{ type: "PodResizePending", status: "True", reason: "Infeasible" }];
const podOf = (r: Row) => ({
  spec: { containers: r.containers ?? [], initContainers: r.init ?? [], ...(r.overhead ? { overhead: r.overhead } : {}), ...(r.podResources ? { resources: r.podResources } : {}) },
  status: { containerStatuses: r.statuses ?? [], initContainerStatuses: r.initStatuses ?? [], conditions: r.resize ? infeasible : [] },
});
const schedulerWant = (want: RL) => new Map(Object.entries(want).map(([k, v]) => [k, k === "cpu" ? milliValue(v) : intValue(v)]));
const sameQuantities = (got: Map<string, GoQuantity>, want: RL) => {
  expect([...got.keys()].sort()).toEqual(Object.keys(want).sort());
  for (const [k, v] of Object.entries(want)) expect(cmpQuantity(got.get(k)!, parseGoQuantity(v)!), `${k}: want ${v}`).toBe(0);
};

const requestRows: Record<string, Row> = {
  "nil options, larger init container": { init: [req({ cpu: "4" })], containers: [req({ cpu: "1" })], want: { cpu: "4" } },
  "nil options, larger containers": { init: [req({ cpu: "2" })], containers: [req({ cpu: "2" }), req({ cpu: "3" })], want: { cpu: "5" } },
  "pod overhead included": { overhead: { cpu: "1", memory: "1Gi" }, init: [{ resources: { requests: { cpu: "2" }, limits: { cpu: "2" } } }], containers: [req({ cpu: "2" }), req({ cpu: "3" })], want: { cpu: "6", memory: "1Gi" } },
  "resized, infeasible": { resize: true, useStatus: true, containers: [req({ cpu: "4" }, { name: "container-1" })], statuses: [{ name: "container-1", resources: { requests: { cpu: "2" } } }], want: { cpu: "2" } },
  "resized, infeasible & in-progress": { resize: true, useStatus: true, containers: [req({ cpu: "6" }, { name: "container-1" })],
    statuses: [{ name: "container-1", allocatedResources: { cpu: "4" }, resources: { requests: { cpu: "2" } } }], want: { cpu: "4" } },
  "resized, no resize status": { useStatus: true, containers: [req({ cpu: "4" }, { name: "container-1" })], statuses: [{ name: "container-1", resources: { requests: { cpu: "2" } } }], want: { cpu: "4" } },
  "resized: per-resource 3-way maximum": { useStatus: true, containers: [req({ cpu: "30m", memory: "20M", "ephemeral-storage": "10G" }, { name: "container-1" })],
    statuses: [{ name: "container-1", allocatedResources: { cpu: "20m", memory: "10M", "ephemeral-storage": "30G" }, resources: { requests: { cpu: "10m", memory: "30M", "ephemeral-storage": "20G" } } }],
    want: { cpu: "30m", memory: "30M", "ephemeral-storage": "30G" } },
  "resized, infeasible, but don't use status": { resize: true, useStatus: false, containers: [req({ cpu: "4" }, { name: "container-1" })], statuses: [{ name: "container-1", resources: { requests: { cpu: "2" } } }], want: { cpu: "4" } },
  "resized, restartable init container, infeasible": { resize: true, useStatus: true, init: [req({ cpu: "4" }, { name: "restartable-init-1", ...always })],
    initStatuses: [{ name: "restartable-init-1", resources: { requests: { cpu: "2" } } }], want: { cpu: "2" } },
  "resized, restartable init container, no resize status": { useStatus: true, init: [req({ cpu: "4" }, { name: "restartable-init-1", ...always })],
    initStatuses: [{ name: "restartable-init-1", resources: { requests: { cpu: "2" } } }], want: { cpu: "4" } },
  "resized, restartable init container, infeasible, but don't use status": { resize: true, useStatus: false, init: [req({ cpu: "4" }, { name: "restartable-init-1", ...always })],
    initStatuses: [{ name: "restartable-init-1", resources: { requests: { cpu: "2" } } }], want: { cpu: "4" } },
  "restartable init container": { init: [req({ cpu: "1" }, { name: "restartable-init-1", ...always })], containers: [req({ cpu: "1" }, { name: "container-1" })], want: { cpu: "2" } },
  "multiple restartable init containers": { init: [req({ cpu: "5" }, { name: "init-1" }), req({ cpu: "1" }, { name: "restartable-init-1", ...always }), req({ cpu: "2" }, { name: "restartable-init-2", ...always }),
    req({ cpu: "3" }, { name: "restartable-init-3", ...always })], containers: [req({ cpu: "1" }, { name: "container-1" })], want: { cpu: "7" } },
  "multiple restartable and regular init containers": { init: [req({ cpu: "5" }, { name: "init-1" }), req({ cpu: "1" }, { name: "restartable-init-1", ...always }),
    req({ cpu: "2" }, { name: "restartable-init-2", ...always }), req({ cpu: "5" }, { name: "init-2" }), req({ cpu: "3" }, { name: "restartable-init-3", ...always })],
    containers: [req({ cpu: "1" }, { name: "container-1" })], want: { cpu: "8" } },
  "restartable-init, init and regular": { init: [req({ cpu: "10" }, { name: "restartable-init-1", ...always }), req({ cpu: "200" }, { name: "init-1" })], containers: [req({ cpu: "100" }, { name: "container-1" })], want: { cpu: "210" } },
  "aggregate request resolves max of sums instead of sum of maxes": { useStatus: true, containers: [req({ cpu: "1" }, { name: "c1" }), req({ cpu: "2" }, { name: "c2" })],
    statuses: [{ name: "c1", allocatedResources: { cpu: "2" } }, { name: "c2", allocatedResources: { cpu: "1" } }], want: { cpu: "3" } },
};

const limitRows: Record<string, Row> = {
  "nil options, larger init container": { init: [lim({ cpu: "4" })], containers: [lim({ cpu: "1" })], want: { cpu: "4" } },
  "nil options, larger containers": { init: [lim({ cpu: "2" })], containers: [lim({ cpu: "2" }), lim({ cpu: "3" })], want: { cpu: "5" } },
  "pod overhead included": { overhead: { cpu: "1", memory: "1Gi" }, init: [lim({ cpu: "2" })], containers: [lim({ cpu: "2" }), lim({ cpu: "3" })], want: { cpu: "6" } },
  "no limited containers should result in no limits for the pod": { init: [], containers: [{}], want: {} },
  "one limited and one unlimited container should result in the limited container's limits for the pod": { init: [], containers: [lim({ cpu: "2", memory: "2Gi" }), {}], want: { cpu: "2", memory: "2Gi" } },
  "one limited and one unlimited init container should result in the limited init container's limits for the pod": { init: [lim({ cpu: "2", memory: "2Gi" }), {}],
    containers: [lim({ cpu: "1", memory: "1Gi" })], want: { cpu: "2", memory: "2Gi" } },
  "restartable init container": { init: [lim({ cpu: "1" }, { name: "restartable-init-1", ...always })], containers: [lim({ cpu: "1" }, { name: "container-1" })], want: { cpu: "2" } },
  "multiple restartable init containers": { init: [lim({ cpu: "5" }, { name: "init-1" }), lim({ cpu: "1" }, { name: "restartable-init-1", ...always }), lim({ cpu: "2" }, { name: "restartable-init-2", ...always }),
    lim({ cpu: "3" }, { name: "restartable-init-3", ...always })], containers: [lim({ cpu: "1" }, { name: "container-1" })], want: { cpu: "7" } },
  "multiple restartable and regular init containers": { init: [lim({ cpu: "5" }, { name: "init-1" }), lim({ cpu: "1" }, { name: "restartable-init-1", ...always }),
    lim({ cpu: "2" }, { name: "restartable-init-2", ...always }), lim({ cpu: "5" }, { name: "init-2" }), lim({ cpu: "3" }, { name: "restartable-init-3", ...always })],
    containers: [lim({ cpu: "1" }, { name: "container-1" })], want: { cpu: "8" } },
  "restartable-init, init and regular": { init: [lim({ cpu: "10" }, { name: "restartable-init-1", ...always }), lim({ cpu: "200" }, { name: "init-1" })], containers: [lim({ cpu: "100" }, { name: "container-1" })], want: { cpu: "210" } },
  "pod scaled up": { useStatus: true, containers: [lim({ memory: "2Gi" }, { name: "container-1" })], statuses: [{ name: "container-1", resources: { limits: { memory: "1Gi" } } }], want: { memory: "2Gi" } },
  "pod scaled down": { useStatus: true, containers: [lim({ memory: "1Gi" }, { name: "container-1" })], statuses: [{ name: "container-1", resources: { limits: { memory: "2Gi" } } }], want: { memory: "2Gi" } },
  "pod scaled up with restartable init containers": { useStatus: true, init: [lim({ memory: "2Gi" }, { name: "restartable-init-1", ...always })],
    initStatuses: [{ name: "restartable-init-1", resources: { limits: { memory: "1Gi" } } }], want: { memory: "2Gi" } },
  "pod scaled down with restartable init containers": { useStatus: true, init: [lim({ memory: "1Gi" }, { name: "restartable-init-1", ...always })],
    initStatuses: [{ name: "restartable-init-1", resources: { limits: { memory: "2Gi" } } }], want: { memory: "2Gi" } },
};

const mc = (memory: string, cpu: string) => ({ memory, cpu });
const podLevelRows: Record<string, Row> = {
  nil: { want: {} },
  "pod level memory resource with SkipPodLevelResources false": { podResources: { requests: { memory: "2Mi" } }, want: { memory: "2Mi" } },
  "pod level memory and container level cpu resources with SkipPodLevelResources false": { podResources: { requests: { memory: "2Mi" } }, containers: [req({ cpu: "2m" })], want: { memory: "2Mi", cpu: "2m" } },
  "pod level unsupported resources set at both pod-level and container-level with SkipPodLevelResources false": { podResources: { requests: { storage: "2Mi" } }, containers: [req({ storage: "3Mi" })], want: { storage: "3Mi" } },
  "pod level unsupported resources set at pod-level with SkipPodLevelResources false": { podResources: { requests: { storage: "2Mi" } }, containers: [req({ memory: "3Mi" })], want: { memory: "3Mi" } },
  "only container level resources set with SkipPodLevelResources false": { containers: [req(mc("3Mi", "2m"))], want: mc("3Mi", "2m") },
  "both container-level and pod-level resources set with SkipPodLevelResources false": { podResources: { requests: mc("6Mi", "8m") }, containers: [req(mc("3Mi", "2m"))], want: mc("6Mi", "8m") },
  "container-level resources and init container set with SkipPodLevelResources false": { containers: [req(mc("3Mi", "2m"))], init: [req(mc("5Mi", "4m"))], want: mc("5Mi", "4m") },
  "container-level resources and sidecar container set with SkipPodLevelResources false": { containers: [req(mc("3Mi", "2m"))], init: [req(mc("5Mi", "4m"), always)], want: mc("8Mi", "6m") },
  "container-level resources, init and sidecar container set with SkipPodLevelResources false": { containers: [req(mc("3Mi", "2m"))], init: [req(mc("5Mi", "4m"), always), req(mc("6Mi", "8m"))], want: mc("11Mi", "12m") },
  "pod-level resources, container-level resources, init and sidecar container set with SkipPodLevelResources false": { podResources: { requests: mc("15Mi", "18m") },
    containers: [req(mc("3Mi", "2m"))], init: [req(mc("5Mi", "4m"), always), req(mc("6Mi", "8m"))], want: mc("15Mi", "18m") },
  "pod-level resources, hugepage request/limit single page size": { podResources: { limits: { "hugepages-2Mi": "2Mi" }, requests: { memory: "10Mi", "hugepages-2Mi": "2Mi" } }, want: { memory: "10Mi", "hugepages-2Mi": "2Mi" } },
  "pod-level resources, hugepage request/limit multiple page sizes": { podResources: { limits: { "hugepages-2Mi": "2Mi", "hugepages-1Gi": "1Gi" }, requests: { cpu: "1", "hugepages-2Mi": "2Mi", "hugepages-1Gi": "1Gi" } },
    want: { cpu: "1", "hugepages-2Mi": "2Mi", "hugepages-1Gi": "1Gi" } },
  "pod-level resources, container-level resources, hugepage request/limit single page size": { podResources: { limits: { "hugepages-2Mi": "10Mi" }, requests: { cpu: "1", "hugepages-2Mi": "10Mi" } },
    containers: [{ resources: { limits: { "hugepages-2Mi": "6Mi" }, requests: { "hugepages-2Mi": "6Mi" } } }], want: { cpu: "1", "hugepages-2Mi": "10Mi" } },
};

describe("TestPodResourceRequests", () => {
  it.each(Object.entries(requestRows))("scheduler: %s", (_n, r) => expect(podRequests(podOf(r) as any, { useStatusResources: r.useStatus === true })).toEqual(schedulerWant(r.want)));
  it.each(Object.entries(requestRows).filter(([n]) => !n.includes("don't use status")))("quota: %s", (_n, r) => sameQuantities(podResourceAmounts(podOf(r), "requests"), r.want));
});

describe("TestPodResourceLimits", () => {
  it.each(Object.entries(limitRows))("quota: %s", (_n, r) => sameQuantities(podResourceAmounts(podOf(r), "limits"), r.want));
});

describe("TestPodLevelResourceRequests", () => {
  it.each(Object.entries(podLevelRows))("scheduler: %s", (_n, r) => expect(podRequests(podOf(r) as any)).toEqual(schedulerWant(r.want)));
  it.each(Object.entries(podLevelRows))("quota: %s", (_n, r) => sameQuantities(podResourceAmounts(podOf(r), "requests"), r.want));
});
