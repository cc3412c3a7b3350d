// kube-controller-manager's PodGC controller: informers on pods and nodes, and a gc pass every
// gcCheckPeriod once the caches have synced (podgc.controller.ts). It has no work queue: each pass
// looks at every pod. The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as G from "./podgc.controller.js";
import type { PodGCContext, PodGCEvent, PodGCInput } from "./podgc.controller.js";

export const podGCMachine = controllerMachine<PodGCContext, PodGCInput, PodGCEvent>({
  id: "pod-garbage-collector",
  description: "PodGC: every 20 s, force-deletes terminated pods above --terminated-pod-gc-threshold, terminating pods on out-of-service nodes, pods bound to nodes that no longer exist (after 40 s of quarantine and a NotFound from the API server; marked Failed with DisruptionTarget DeletionByPodGC first) and terminating pods never scheduled.",
  context: G.initialPodGC,
  startInformers: G.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  onCacheSynced: { action: "collectGarbage", step: (c, e, fx) => G.gcAndSchedule(c, e.now, fx) },
  watch: { step: G.onWatch, description: "informers on pods and nodes: the caches a pass reads" },
  response: { step: G.onResponse, description: "lists, node checks (a 404 makes the node's pods orphans), status patches then deletions" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  running: {
    GCTick: { action: "collectGarbagePeriodically", step: (c, e, fx) => G.onTick(c, e.now, fx), description: "gcCheckPeriod (20 s) passed: gc again" },
  },
});
