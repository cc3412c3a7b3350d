// One etcd machine on a runtime, as the API server and an operator's etcdctl talk to it: each
// request is delivered, the runtime settles, and etcd's answer to it is returned.

import { Runtime } from "../../runtime/runtime.js";
import { etcdPolicy } from "../../runtime/policy.js";
import { etcdMachine } from "../../machines/etcd/etcd.machine.js";

export function etcdMember(quotaBackendBytes: number) {
  const rt = new Runtime({ seed: 1, policy: etcdPolicy });
  rt.spawn("etcd", etcdMachine, { quotaBackendBytes });
  const answers: any[] = [];
  rt.external("apiserver", (m) => answers.push(m));
  rt.external("etcdctl", (m) => answers.push(m));
  let id = 0;
  const ask = (from: "apiserver" | "etcdctl", req: any): any => {
    const n = ++id;
    rt.send(from, "etcd", { ...req, id: n });
    rt.settle();
    return answers.find((a) => a.id === n);
  };
  const put = (key: string, value: unknown) => ask("apiserver", { type: "Txn", compare: [], success: [{ type: "put", key, value }], failure: [] });
  const state = () => rt.snapshot("etcd").value;
  return { rt, ask, put, state };
}
