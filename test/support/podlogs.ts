// The lines a pod's containers wrote, read from the CRIs' state as a test sees it: what
// `kubectl logs` would print, without a server in between.
import type { Cluster } from "../../runtime/cluster.js";

/** Every log line of the pod `pod` in the default namespace, of one container or of all. */
export function podLogs(cl: Cluster, pod: string, container?: string): string[] {
  const uid = cl.get("Pod", pod, "default")?.metadata.uid;
  const out: string[] = [];
  for (const n of cl.list("Node")) {
    const cri = cl.runtime.snapshot(`cri/${n.metadata.name}`)?.context;
    for (const ctr of cri?.containers.values() ?? []) {
      if ((container === undefined || ctr.name === container) && cri.sandboxes.get(ctr.sandboxId)?.podUid === uid) out.push(...ctr.logs.toArray().map((l: { line: string }) => l.line));
    }
  }
  return out;
}
