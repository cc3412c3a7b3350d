// kube-controller-manager's node lifecycle controller and taint eviction controller, one actor:
// every node monitor period (5 s) it compares each node's last sign of life (Ready heartbeat or
// Lease renewal) with the grace period; a silent node gets Ready=Unknown (NodeStatusUnknown),
// its pods Ready=False, and the unreachable taints. NoExecute taints then evict the pods on the
// node once their tolerationSeconds run out (TaintManagerEviction).

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as N from "./nodelifecycle.controller.js";
import type { NodeLifecycleContext, NodeLifecycleEvent, NodeLifecycleInput } from "./nodelifecycle.controller.js";

export const nodeLifecycleMachine = controllerMachine<NodeLifecycleContext, NodeLifecycleInput, NodeLifecycleEvent>({
  id: "node-lifecycle-controller",
  description: "node health from Leases and heartbeats: Ready=Unknown, unreachable taints, taint-based eviction.",
  context: N.initialNodeLifecycle,
  startInformers: N.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: N.onWatch, description: "informers: Nodes, node Leases, Pods; NoExecute taints re-examine pods" },
  response: { step: N.onResponse },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  on: {
    MonitorNodes: { action: "monitorNodeHealth", step: (c, e, fx) => N.monitorNodes(c, e.now, fx), description: "every node monitor period: a silent node (its health chart past the grace period) turns Unknown; conditions, taints" },
    NodeHealthTimer: { action: "stepNodeHealth", step: (c, e, fx) => N.onNodeHealthTimer(c, e.node, e.event, fx), description: "a node's grace period ended without a sign of life (nodehealth chart)" },
  },
  running: {
    TaintEvictionTimer: { action: "evictPod", step: (c, e, fx) => N.onTaintEvictionTimer(c, e.key, e.event, e.now, fx), description: "a pod's tolerationSeconds ran out (tainteviction chart): TaintManagerEviction" },
  },
});
