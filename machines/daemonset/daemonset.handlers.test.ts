// The DaemonSet controller's pod handlers, through its informers: which deletions queue a DaemonSet.
// Rows from daemon_controller_test.go (v1.35) TestDeleteNoDaemonPod: a deleted pod no DaemonSet
// controls syncs nothing (deletePod: "No controller should care about orphans being deleted").

import { describe, expect, it } from "vitest";
import { Fx } from "../common/effects.js";
import { runDraftStep } from "../common/step.js";
import * as W from "../common/workqueue.js";
import { initialDaemonSetController, onResponse, onWatch, startInformers } from "./daemonset.controller.js";
import * as L from "./daemonset.logic.js";

const NOW = 1_700_000_000_000;
const stamp = { from: "apiserver", now: NOW };
const simpleDaemonSetLabel = { name: "simple-daemon", type: "production" };
const resources = { requests: { memory: "50M", cpu: "50m" } };

function newDaemonSet(updateStrategy: object): any {
  return {
    apiVersion: "apps/v1", kind: "DaemonSet",
    metadata: { name: "ds", namespace: "default", uid: "ds-uid", resourceVersion: "3", generation: 1 },
    spec: { selector: { matchLabels: simpleDaemonSetLabel }, updateStrategy, template: { metadata: { labels: simpleDaemonSetLabel }, spec: { containers: [{ name: "foo", image: "foo/bar", resources }] } } },
  };
}

// resourcePodSpec(nodeName, "50M", "50m") in pod_<i>, with the ownerReferences given
const pod = (name: string, nodeName: string, ownerReferences?: object[]) => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, namespace: "default", resourceVersion: "7", ...(ownerReferences ? { ownerReferences } : {}) },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", image: "i", resources }] },
});
const anyController = [{ apiVersion: "", kind: "", name: "", uid: "", controller: true }];

/** The controller with listed caches and an empty queue, and a way to deliver pod watch events to it. */
function listed(strategy: object, existing: object[]) {
  let ctx = initialDaemonSetController({ token: "t" });
  const step = (fn: (c: typeof ctx, fx: Fx) => void) => {
    ctx = runDraftStep(ctx, undefined, (c, _e, f) => fn(c, f), new Fx());
  };
  step(startInformers);
  const list = (id: number, kind: string, items: object[]) => step((c, fx) => onResponse(c, { type: "ApiResponse", id, ok: true, code: 200, object: { kind, apiVersion: "v1", metadata: { resourceVersion: "10" }, items }, ...stamp } as any, fx));
  const node1 = { apiVersion: "v1", kind: "Node", metadata: { name: "node1" }, status: { conditions: [{ type: "Ready", status: "True" }], allocatable: { memory: "200M", cpu: "200m" } } };
  list(1, "DaemonSetList", [newDaemonSet(strategy)]);
  list(2, "PodList", existing);
  list(3, "NodeList", [node1]);
  list(4, "ControllerRevisionList", []);
  // the queue as after the first sync: nothing waiting
  ctx = { ...ctx, q: W.newWorkQueue() };
  let rv = 11;
  return {
    get ctx() {
      return ctx;
    },
    set ctx(c) {
      ctx = c;
    },
    deliver(eventType: "ADDED" | "MODIFIED" | "DELETED", pod: any) {
      const object = { ...pod, metadata: { ...pod.metadata, resourceVersion: String(rv++) } };
      step((c, fx) => onWatch(c, { type: "WatchEvent", watchId: 2, eventType, object, ...stamp } as any, fx));
    },
  };
}

/** deletedPod is deleted; the keys that queued. */
function queuedOnDelete(strategy: object, existing: object[], deletedPod: any): string[] {
  const c = listed(strategy, existing);
  c.deliver("DELETED", deletedPod);
  return c.ctx.q.waiting.toArray();
}

const strategies = [{ type: "OnDelete" }, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } }];
const fourOn = (owner?: object[]) => [0, 1, 2, 3].map((i) => pod(`pod_${i}`, "node1", owner));

describe("deletePod (TestDeleteNoDaemonPod)", () => {
  for (const strategy of strategies) {
    it.each([
      ["Deleted non-daemon pods to release resources", fourOn(), pod("pod_0", "node1")],
      ["Deleted non-daemon pods (with controller) to release resources", fourOn(anyController), pod("pod_0", "node1", anyController)],
      ["Deleted no scheduled pods", fourOn(anyController), pod("pod_5", "")],
    ])(`${strategy.type}: %s: nothing is queued`, (_name, existing, deleted) => {
      expect(queuedOnDelete(strategy, existing, deleted)).toEqual([]);
    });

    // the converse, deletePod's own path: a pod the DaemonSet controls queues it
    it(`${strategy.type}: the DaemonSet's own pod deleted queues the DaemonSet`, () => {
      const own = pod("ds-abc", "node1", [L.daemonSetControllerRef(newDaemonSet(strategy))]);
      const labelled = { ...own, metadata: { ...own.metadata, labels: simpleDaemonSetLabel } };
      expect(queuedOnDelete(strategy, [labelled], labelled)).toEqual(["default/ds"]);
    });
  }
});

// deletePod lowers the DaemonSet's expectations (ControllerExpectations.DeletionObserved) on every call:
// from updatePod for each new version of a pod with a deletionTimestamp, from addPod for a pod listed
// already terminating, and on its removal. The counts are not tracked by uid.
describe("deletePod's expectations (DeletionObserved)", () => {
  const strategy = strategies[1]!;
  const ownPods = () => {
    const ref = L.daemonSetControllerRef(newDaemonSet(strategy));
    return ["ds-a", "ds-b"].map((n) => {
      const p = pod(n, "node1", [ref]);
      return { ...p, metadata: { ...p.metadata, labels: simpleDaemonSetLabel } };
    });
  };
  const terminating = (p: any, extra: object = {}) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: "2023-11-14T22:13:20Z", deletionGracePeriodSeconds: 30 }, ...extra });

  it("two updates of one terminating pod satisfy a sync that deleted two pods; its removal counts once more", () => {
    const [a, b] = ownPods();
    const c = listed(strategy, [a, b]);
    c.ctx = { ...c.ctx, expectations: new Map([["default/ds", { add: 0, del: 2, timestampMs: NOW }]]) };
    c.deliver("MODIFIED", terminating(a));
    expect(c.ctx.expectations.get("default/ds")).toMatchObject({ add: 0, del: 1 });
    c.deliver("MODIFIED", terminating(a, { status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }] } }));
    expect(c.ctx.expectations.get("default/ds")).toMatchObject({ add: 0, del: 0 });
    c.deliver("DELETED", terminating(a));
    expect(c.ctx.expectations.get("default/ds")).toMatchObject({ add: 0, del: -1 });
    expect(c.ctx.q.waiting.toArray()).toEqual(["default/ds"]);
  });

  it("a pod first seen already terminating is a deletion, not a creation (addPod)", () => {
    const [a] = ownPods();
    const c = listed(strategy, []);
    c.ctx = { ...c.ctx, expectations: new Map([["default/ds", { add: 1, del: 1, timestampMs: NOW }]]) };
    c.deliver("ADDED", terminating(a));
    expect(c.ctx.expectations.get("default/ds")).toMatchObject({ add: 1, del: 0 });
  });
});
