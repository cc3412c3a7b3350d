// The kubelet <-> CNI channel: ADD when a sandbox's network namespace exists, DEL only after
// the sandbox has stopped (so an IP is never handed out twice while its sandbox still runs).

/** kubelet -> cni */
export type CniRequest =
  | { type: "CniAdd"; id: number; sandboxId: string; podName: string; podNamespace: string; podUid: string }
  | { type: "CniDel"; id: number; sandboxId: string };

/** cni -> kubelet */
export type CniResponse =
  | { type: "CniAddResult"; id: number; sandboxId: string; ok: true; ip: string; cidr: string; gateway: string }
  | { type: "CniAddResult"; id: number; sandboxId: string; ok: false; error: string }
  | { type: "CniDelResult"; id: number; sandboxId: string };
