// Test builders for scheduler tables (st.MakePod / st.MakeNode in spirit).
import type { Container, Node, Pod, Taint, Toleration } from "kubernetes-types/core/v1";

type RL = Record<string, string>;

/** A node with allocatable resources (pods default to 110) and labels. */
export function makeNode(name: string, allocatable: RL = {}, labels: RL = {}, extra: { taints?: Taint[]; unschedulable?: boolean } = {}): Node {
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    spec: { taints: extra.taints, unschedulable: extra.unschedulable },
    status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110", ...allocatable } },
  };
}

/** A container requesting the given resources. */
export function container(requests?: RL, extra: Partial<Container> = {}): Container {
  return { name: extra.name ?? "c", image: extra.image ?? "pause", ...(requests ? { resources: { requests } } : {}), ...extra };
}

/** A pod in namespace default with the given containers. */
export function makePod(name: string, containers: Container[] = [container()], extra: { labels?: RL; priority?: number; tolerations?: Toleration[]; spec?: Pod["spec"]; status?: Pod["status"]; namespace?: string } = {}): Pod {
  return {
    metadata: { name, namespace: extra.namespace ?? "default", uid: `uid-${name}`, labels: extra.labels },
    spec: { containers, priority: extra.priority, tolerations: extra.tolerations, ...extra.spec },
    status: extra.status ?? { phase: "Running" },
  };
}
