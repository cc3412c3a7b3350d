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

/** The controller with listed caches and an empty queue; deletedPod is then deleted; the keys it queued. */
function queuedOnDelete(strategy: object, existing: object[], deletedPod: any): string[] {
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
  step((c, fx) => onWatch(c, { type: "WatchEvent", watchId: 2, eventType: "DELETED", object: { ...deletedPod, metadata: { ...deletedPod.metadata, resourceVersion: "11" } }, ...stamp } as any, fx));
  return ctx.q.waiting.toArray();
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
