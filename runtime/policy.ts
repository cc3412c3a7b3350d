// Who may talk to whom. The one hard rule of the design: only the API server talks to etcd's key
// space. The operator's etcdctl (on a control-plane node, with etcd's client certificate) may send
// the maintenance requests an operator runs: alarm list/disarm, defrag, endpoint status, compact.

import type { ChannelPolicy } from "./runtime.js";

/** The requests etcdctl may send to etcd. */
const maintenance = new Set(["Alarm", "Defragment", "Status", "Compact"]);

/** Refuses (and the runtime traces) any message to etcd whose sender is not the API server, but for etcdctl's maintenance. */
export const etcdPolicy: ChannelPolicy = (from, to, msg) => {
  if (to !== "etcd" || from === "apiserver" || from === "etcd") return undefined;
  if (from === "etcdctl" && maintenance.has(msg.type)) return undefined;
  return from === "etcdctl" ? `etcdctl may send etcd only maintenance requests (not ${msg.type})` : `only the API server may talk to etcd (sender ${from})`;
};
