// preemptionEvictsOnlyLowerPriority: the scheduler's DefaultPreemption takes as victims only pods of
// lower priority than the pod it preempts for (selectVictimsOnNode: `corev1helpers.PodPriority(p) <
// podPriority`). Each victim gets the event Kubernetes records, reason Preempted, "Preempted by pod
// <preemptor uid> on node <node>", so the pair is judged at that event's create, against the pods
// as the API server stores them then (priority is set at admission and immutable).

import type { InvariantSpec } from "./index.js";
import { watching } from "./observe.js";

/** The actor that runs the scheduler. */
const scheduler = "scheduler";

const priorityOf = (p: any) => (typeof p?.spec?.priority === "number" ? p.spec.priority : 0);

export const preemptionEvictsOnlyLowerPriority: InvariantSpec = watching(
  "preemptionEvictsOnlyLowerPriority",
  "the scheduler preempts (evicts) only pods of lower priority than the pod it preempts for",
  ({ rt, report }) => {
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== scheduler || to !== "apiserver" || msg.type !== "ApiRequest" || msg.resource !== "events" || msg.verb !== "create") return;
      const ev = msg.body;
      if (ev?.reason !== "Preempted") return;
      const m = /^Preempted by pod (\S+) on node (\S+)$/.exec(ev.message ?? "");
      const victimUid = ev.involvedObject?.uid ?? ev.regarding?.uid;
      if (!m || !victimUid) return;
      const pods = rt.snapshot("apiserver")?.context?.cache?.byKind.get("Pod");
      if (!pods) return;
      let victim: any;
      let preemptor: any;
      for (const p of pods.values()) {
        if (p.metadata?.uid === victimUid) victim = p;
        if (p.metadata?.uid === m[1]) preemptor = p;
      }
      if (!victim || !preemptor) return;
      if (priorityOf(victim) >= priorityOf(preemptor)) {
        report(`the scheduler preempted pod ${victim.metadata.namespace}/${victim.metadata.name} (priority ${priorityOf(victim)}) on ${m[2]} for pod ${preemptor.metadata.namespace}/${preemptor.metadata.name} (priority ${priorityOf(preemptor)}), which is not of higher priority`);
      }
    });
    return undefined;
  },
);
