// Which actors a cluster runs besides etcd and the API server, and the identities they use.

import type { Node } from "kubernetes-types/core/v1";
import type { UserInfo } from "../machines/apiserver/authz.js";
import { seedFor } from "../machines/common/prng.js";
import type { Runtime } from "./runtime.js";
import { schedulerMachine } from "../machines/scheduler/scheduler.machine.js";

export interface Identity {
  address: string;
  token: string;
  user: UserInfo;
}

export interface ComponentSet {
  nodes: Node[];
  identities: Identity[];
  start(rt: Runtime): void;
}

function identity(seed: number, address: string, user: UserInfo): Identity {
  return { address, token: `podflow-${address.replace("/", "-")}-${seedFor(seed, address).toString(16)}`, user };
}

/** The component actors of a cluster with these nodes. */
export function components(nodes: Node[], seed: number, _opts: unknown): ComponentSet {
  const identities: Identity[] = [
    identity(seed, "scheduler", { name: "system:kube-scheduler", groups: ["system:authenticated"] }),
    identity(seed, "controller-manager", { name: "system:kube-controller-manager", groups: ["system:authenticated"] }),
  ];
  for (const n of nodes) {
    const name = n.metadata!.name!;
    identities.push(identity(seed, `kubelet/${name}`, { name: `system:node:${name}`, groups: ["system:nodes", "system:authenticated"] }));
  }
  const admin = { name: "admin" };
  void admin;
  return {
    nodes,
    identities,
    start(rt: Runtime) {
      const tokenOf = (address: string) => identities.find((i) => i.address === address)!.token;
      void tokenOf;
      // [scheduler]
      rt.spawn("scheduler", schedulerMachine, { token: tokenOf("scheduler"), seed: seedFor(seed, "scheduler") });

      // [node agent] spawn kubelet/<node>, cri/<node>, cni/<node> here
      // Until a kubelet registers it, a node is an object the cluster creates at start.
      let id = 1_000_000;
      for (const n of nodes) {
        rt.send("kubectl", "apiserver", { type: "ApiRequest", id: id++, token: tokenOf(`kubelet/${n.metadata!.name}`), verb: "create", group: "", resource: "nodes", body: { apiVersion: "v1", kind: "Node", ...n } });
      }

      // [controllers] spawn controller actors here
    },
  };
}
