// Who may talk to whom. The one hard rule of the design: only the API server talks to etcd.

import type { ChannelPolicy } from "./runtime.js";

/** Refuses (and the runtime traces) any message to etcd whose sender is not the API server. */
export const etcdPolicy: ChannelPolicy = (from, to) => (to === "etcd" && from !== "apiserver" && from !== "etcd" ? `only the API server may talk to etcd (sender ${from})` : undefined);
