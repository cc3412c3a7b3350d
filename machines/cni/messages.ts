// The kubelet <-> CNI channel: ADD when a sandbox's network namespace exists, DEL only after
// the sandbox has stopped (so an IP is never handed out twice while its sandbox still runs).

import type { ConnectMsg, DnsQuery } from "../cri/messages.js";

/** kubelet -> cni */
export type CniRequest =
  | { type: "CniAdd"; id: number; sandboxId: string; podName: string; podNamespace: string; podUid: string }
  | { type: "CniDel"; id: number; sandboxId: string };

/** cni -> kubelet */
export type CniResponse =
  | { type: "CniAddResult"; id: number; sandboxId: string; ok: true; ip: string; cidr: string; gateway: string; /** a dual-stack node's IPv6 address */ secondaryIP?: string }
  | { type: "CniAddResult"; id: number; sandboxId: string; ok: false; error: string }
  | { type: "CniDelResult"; id: number; sandboxId: string };

/**
 * kube-proxy -> kindnet's policy agent: a pod's connection after DNAT, on its way to `next` (the
 * runtime of the node that holds the destination). The agent lets it through or drops it, as
 * kindnet's nfqueue verdict does: a dropped connection is never answered and its client times out.
 */
export type FilterConnect = { type: "FilterConnect"; next: string; connect: ConnectMsg };

/** kindnet's policy agent -> kube-proxy and each node's runtime: its caches have synced, so every connection and DNS query now passes its filter. */
export type PolicyAgentReady = { type: "PolicyAgentReady" };

/**
 * A pod's DNS query on its way to cluster DNS (`next`), from the pod address `src`: kindnet filters it
 * as the UDP packet to a kube-dns endpoint on port 53 it is; a dropped query is never answered.
 */
export type FilterDns = { type: "FilterDns"; next: string; src: string; query: DnsQuery };
