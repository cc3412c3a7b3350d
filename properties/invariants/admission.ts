// What admission adds to a pod as it is created, judged on the object the API server answers with:
//   - defaultTolerationSecondsAdded: the DefaultTolerationSeconds plugin gives a pod that does not
//     tolerate node.kubernetes.io/not-ready or node.kubernetes.io/unreachable (NoExecute) a
//     toleration of it for 300 s ("Taint based Evictions": tolerationSeconds=300 "unless you, or a
//     controller, set those tolerations explicitly"), so a pod leaves a lost node after 5 minutes;
//   - podPriorityMatchesPriorityClass: the Priority plugin sets spec.priority to the value of the
//     PriorityClass the pod names ("Pod priority and preemption": the admission controller
//     "populates the priority field with the integer value of the PriorityClass").

import { perPodVersion } from "./pods.js";
import { requestKey, watching } from "./observe.js";

const lostNodeTaints = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];
const defaultTolerationSeconds = 300;

/** Whether a toleration covers this NoExecute taint key (an empty key with Exists tolerates every key). */
const toleratesNoExecute = (t: any, key: string) => (t?.key === key || ((t?.key ?? "") === "" && t?.operator === "Exists")) && (t?.effect === "NoExecute" || (t?.effect ?? "") === "");

export const defaultTolerationSecondsAdded = watching(
  "defaultTolerationSecondsAdded",
  "a pod created without a toleration of the not-ready or unreachable NoExecute taint is stored with one for 300 s (DefaultTolerationSeconds)",
  ({ rt, report }) => {
    /** request key -> the taint keys the pod sent did not tolerate */
    const sent = new Map<string, string[]>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (to === "apiserver" && msg.type === "ApiRequest" && msg.verb === "create" && msg.resource === "pods" && !msg.subresource && (msg.group ?? "") === "") {
        const tols: any[] = Array.isArray(msg.body?.spec?.tolerations) ? msg.body.spec.tolerations : [];
        const missing = lostNodeTaints.filter((key) => !tols.some((t) => toleratesNoExecute(t, key)));
        if (missing.length > 0) sent.set(requestKey(rt, from, msg.id), missing);
        return;
      }
      if (from !== "apiserver" || msg.type !== "ApiResponse") return;
      const k = requestKey(rt, to, msg.id);
      const missing = sent.get(k);
      if (!missing) return;
      sent.delete(k);
      if (!msg.ok || msg.object?.kind !== "Pod") return;
      const tols: any[] = msg.object.spec?.tolerations ?? [];
      for (const key of missing) {
        const added = tols.filter((t) => t?.key === key && t?.effect === "NoExecute");
        if (!added.some((t) => t.operator === "Exists" && t.tolerationSeconds === defaultTolerationSeconds)) {
          report(`pod ${msg.object.metadata?.namespace}/${msg.object.metadata?.name} was created without a toleration of ${key}:NoExecute and stored with ${added.length === 0 ? "none" : JSON.stringify(added)}: DefaultTolerationSeconds adds one for ${defaultTolerationSeconds} s`);
        }
      }
    });
    return undefined;
  },
);

export const podPriorityMatchesPriorityClass = perPodVersion(
  "podPriorityMatchesPriorityClass",
  "a pod that names a PriorityClass has spec.priority the class's value (Priority admission)",
  (p, _now, w) => {
    const name = p.spec?.priorityClassName;
    if (!name) return [];
    const pc = w.list("PriorityClass").find((c: any) => c.metadata?.name === name);
    // a class deleted since the pod was admitted says nothing of what it was then (its value is immutable)
    if (!pc || (pc.metadata?.creationTimestamp && p.metadata?.creationTimestamp && pc.metadata.creationTimestamp > p.metadata.creationTimestamp)) return [];
    if (p.spec?.priority === pc.value) return [];
    return [`pod ${p.metadata?.namespace}/${p.metadata?.name} names PriorityClass ${name} (value ${pc.value}) but has spec.priority ${p.spec?.priority}`];
  },
);
